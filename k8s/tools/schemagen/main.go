// schemagen writes the JSON schemas that k8s/validate.sh gives kubeconform,
// so that the manifests are validated offline against the real API:
//
//   - every built-in kind, from the Kubernetes OpenAPI v2 document
//     (api/openapi-spec/swagger.json of the k8s.io/kubernetes module);
//   - every served version of each CustomResourceDefinition given with -crd
//     (JSON, apiextensions.k8s.io/v1), e.g. Strimzi's and the Prometheus
//     operator's.
//
// The schemas are strict: an object that lists its properties rejects any
// other property (unless the API keeps unknown fields), which is what makes a
// misspelt field fail. Each file is standalone (draft-07, with the
// definitions it uses inlined under "definitions").
//
// Output layout, matching the kubeconform schema location
// "<out>/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json":
// apps/v1 Deployment -> apps/deployment_v1.json,
// kafka.strimzi.io/v1 KafkaTopic -> kafka.strimzi.io/kafkatopic_v1.json.
// kubeconform names the core group by its version ("v1"), so core kinds go
// to v1/<kind>_v1.json.
//
// Standard library only, so that it builds without fetching anything.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

const (
	draft07     = "http://json-schema.org/draft-07/schema#"
	defPrefix   = "#/definitions/"
	objectMeta  = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
	intOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
	quantity    = "io.k8s.apimachinery.pkg.api.resource.Quantity"
)

type schema = map[string]any

// Keywords that validate; everything else (descriptions, examples, defaults,
// formats, x-kubernetes-* extensions) is dropped after it has been read.
var validationKeywords = map[string]bool{
	"type": true, "enum": true, "const": true, "required": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true,
	"exclusiveMaximum": true, "multipleOf": true, "pattern": true,
	"minLength": true, "maxLength": true, "minItems": true, "maxItems": true,
	"uniqueItems": true, "minProperties": true, "maxProperties": true,
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func main() {
	swaggerPath := flag.String("swagger", "", "Kubernetes OpenAPI v2 document (swagger.json)")
	var crdPaths stringList
	flag.Var(&crdPaths, "crd", "CustomResourceDefinition as JSON (repeatable)")
	outDir := flag.String("out", "", "output directory")
	flag.Parse()
	if *swaggerPath == "" || *outDir == "" {
		fmt.Fprintln(os.Stderr, "usage: schemagen -swagger swagger.json [-crd crd.json ...] -out DIR")
		os.Exit(2)
	}
	if err := run(*swaggerPath, crdPaths, *outDir); err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
}

func run(swaggerPath string, crdPaths []string, outDir string) error {
	var doc struct {
		Definitions map[string]schema `json:"definitions"`
	}
	if err := readJSON(swaggerPath, &doc); err != nil {
		return err
	}
	if len(doc.Definitions) == 0 {
		return fmt.Errorf("%s has no definitions", swaggerPath)
	}
	g := &generator{defs: doc.Definitions, converted: map[string]any{}, pending: map[string]bool{}}
	builtin := 0
	names := make([]string, 0, len(doc.Definitions))
	for name := range doc.Definitions {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		gvks, _ := doc.Definitions[name]["x-kubernetes-group-version-kind"].([]any)
		// Types shared by every group (DeleteOptions, WatchEvent) are no
		// manifests; they carry one entry per group.
		if len(gvks) != 1 {
			continue
		}
		gvk, _ := gvks[0].(map[string]any)
		group, _ := gvk["group"].(string)
		version, _ := gvk["version"].(string)
		kind, _ := gvk["kind"].(string)
		if version == "" || kind == "" {
			continue
		}
		root := g.convert(doc.Definitions[name], false)
		if err := g.write(outDir, group, version, kind, root); err != nil {
			return err
		}
		builtin++
	}
	custom := 0
	for _, path := range crdPaths {
		n, err := g.writeCRD(path, outDir)
		if err != nil {
			return err
		}
		custom += n
	}
	fmt.Printf("schemagen: %d built-in and %d custom resource schemas in %s\n", builtin, custom, outDir)
	return nil
}

type generator struct {
	defs      map[string]schema
	converted map[string]any  // definition name -> converted schema
	pending   map[string]bool // definitions being converted
}

// writeCRD writes one schema per served version of a CRD.
func (g *generator) writeCRD(path, outDir string) (int, error) {
	var crd struct {
		Kind string `json:"kind"`
		Spec struct {
			Group string `json:"group"`
			Names struct {
				Kind string `json:"kind"`
			} `json:"names"`
			Versions []struct {
				Name   string `json:"name"`
				Served bool   `json:"served"`
				Schema struct {
					OpenAPIV3Schema schema `json:"openAPIV3Schema"`
				} `json:"schema"`
			} `json:"versions"`
		} `json:"spec"`
	}
	if err := readJSON(path, &crd); err != nil {
		return 0, err
	}
	if crd.Kind != "CustomResourceDefinition" || crd.Spec.Group == "" || crd.Spec.Names.Kind == "" {
		return 0, fmt.Errorf("%s: not an apiextensions.k8s.io/v1 CustomResourceDefinition", path)
	}
	n := 0
	for _, v := range crd.Spec.Versions {
		if !v.Served {
			continue
		}
		if v.Schema.OpenAPIV3Schema == nil {
			return n, fmt.Errorf("%s: version %s has no openAPIV3Schema", path, v.Name)
		}
		root := g.convert(v.Schema.OpenAPIV3Schema, false).(schema)
		// The API server validates metadata of custom resources as
		// ObjectMeta; the CRD only says "object".
		if props, ok := root["properties"].(schema); ok {
			if _, ok := props["metadata"]; ok && g.defs[objectMeta] != nil {
				props["metadata"] = schema{"$ref": defPrefix + objectMeta}
			}
		}
		if err := g.write(outDir, crd.Spec.Group, v.Name, crd.Spec.Names.Kind, root); err != nil {
			return n, err
		}
		n++
	}
	if n == 0 {
		return 0, fmt.Errorf("%s: no served version", path)
	}
	return n, nil
}

func (g *generator) write(outDir, group, version, kind string, root any) error {
	s, ok := root.(schema)
	if !ok {
		return fmt.Errorf("%s/%s %s: schema is not an object", group, version, kind)
	}
	out := schema{"$schema": draft07}
	for k, v := range s {
		out[k] = v
	}
	if used := g.closure(s); len(used) > 0 {
		defs := schema{}
		for _, name := range used {
			defs[name] = g.converted[name]
		}
		out["definitions"] = defs
	}
	dir := group
	if dir == "" {
		dir = version
	}
	path := filepath.Join(outDir, dir, strings.ToLower(kind)+"_"+version+".json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// closure lists the definitions a schema refers to, directly or not.
func (g *generator) closure(root any) []string {
	seen := map[string]bool{}
	var queue []string
	var visit func(any)
	visit = func(n any) {
		switch t := n.(type) {
		case schema:
			if ref, ok := t["$ref"].(string); ok && strings.HasPrefix(ref, defPrefix) {
				name := strings.TrimPrefix(ref, defPrefix)
				if !seen[name] {
					seen[name] = true
					queue = append(queue, name)
				}
			}
			for _, v := range t {
				visit(v)
			}
		case []any:
			for _, v := range t {
				visit(v)
			}
		}
	}
	visit(root)
	for i := 0; i < len(queue); i++ {
		visit(g.definition(queue[i]))
	}
	sort.Strings(queue)
	return queue
}

// definition returns the converted schema of a named OpenAPI definition.
func (g *generator) definition(name string) any {
	if c, ok := g.converted[name]; ok {
		return c
	}
	if g.pending[name] {
		return nil // recursive type (JSONSchemaProps): being converted
	}
	g.pending[name] = true
	defer delete(g.pending, name)
	var c any
	switch name {
	case intOrString:
		c = schema{"oneOf": []any{schema{"type": "string"}, schema{"type": "integer"}}}
	case quantity:
		c = schema{"oneOf": []any{schema{"type": "string"}, schema{"type": "number"}}}
	default:
		d, ok := g.defs[name]
		if !ok {
			// A dangling reference would make every resource using it fail
			// with an unhelpful message; accept anything there instead.
			fmt.Fprintf(os.Stderr, "schemagen: warning: no definition %s\n", name)
			c = schema{}
		} else {
			c = g.convert(d, false)
		}
	}
	g.converted[name] = c
	return c
}

// convert keeps the validating keywords of an OpenAPI schema node, turns it
// into JSON Schema draft-07 and closes objects. Inside allOf/anyOf/oneOf/not
// nothing is closed: there, CRDs only add constraints on fields that the
// enclosing schema already declares.
func (g *generator) convert(node any, inCombinator bool) any {
	in, ok := node.(schema)
	if !ok {
		return node
	}
	out := schema{}
	for k, v := range in {
		switch {
		case validationKeywords[k]:
			out[k] = v
		case k == "$ref":
			ref, _ := v.(string)
			out[k] = ref
			if strings.HasPrefix(ref, defPrefix) {
				g.definition(strings.TrimPrefix(ref, defPrefix))
			}
		case k == "properties":
			props := schema{}
			if m, ok := v.(schema); ok {
				for name, p := range m {
					props[name] = g.convert(p, false)
				}
			}
			out[k] = props
		case k == "items":
			if list, ok := v.([]any); ok {
				items := make([]any, len(list))
				for i, it := range list {
					items[i] = g.convert(it, inCombinator)
				}
				out[k] = items
			} else {
				out[k] = g.convert(v, inCombinator)
			}
		case k == "additionalProperties":
			if b, ok := v.(bool); ok {
				out[k] = b
			} else {
				out[k] = g.convert(v, false)
			}
		case k == "allOf" || k == "anyOf" || k == "oneOf":
			list, _ := v.([]any)
			subs := make([]any, len(list))
			for i, it := range list {
				subs[i] = g.convert(it, true)
			}
			out[k] = subs
		case k == "not":
			out[k] = g.convert(v, true)
		}
	}
	// OpenAPI 3.0 / Swagger 2.0 write exclusive bounds as booleans.
	for _, bound := range []string{"Minimum", "Maximum"} {
		ex := "exclusive" + bound
		lim := strings.ToLower(bound[:1]) + bound[1:]
		if b, ok := out[ex].(bool); ok {
			delete(out, ex)
			if b && out[lim] != nil {
				out[ex] = out[lim]
				delete(out, lim)
			}
		}
	}
	if p, ok := out["pattern"].(string); ok {
		// The API server uses ECMA-262 regular expressions; drop the rare
		// one that Go's RE2 cannot compile rather than fail every resource.
		if _, err := regexp.Compile(p); err != nil {
			delete(out, "pattern")
		}
	}
	if in["x-kubernetes-int-or-string"] == true {
		if _, hasAny := out["anyOf"]; !hasAny {
			delete(out, "type")
			out["anyOf"] = []any{schema{"type": "integer"}, schema{"type": "string"}}
		}
	}
	if in["nullable"] == true {
		if t, ok := out["type"].(string); ok {
			out["type"] = []any{t, "null"}
		}
	}
	preserve := in["x-kubernetes-preserve-unknown-fields"] == true ||
		in["x-kubernetes-embedded-resource"] == true
	if _, hasProps := out["properties"]; hasProps && !inCombinator && !preserve {
		if _, set := out["additionalProperties"]; !set {
			out["additionalProperties"] = false
		}
	}
	return out
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
