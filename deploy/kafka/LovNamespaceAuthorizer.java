// The local broker's authorizer (deploy/local/stack.sh; server.properties.template):
// Kafka's own StandardAuthorizer, the one Strimzi's `authorization: simple` uses
// under KRaft, with the ACLs of the Kubernetes KafkaUsers (k8s/base/kafka/users.yaml,
// copied onto the broker by `KafkaAdmin acls`), plus one rule for --namespace.
//
// A service run with --namespace=NS names its topics and consumer groups
// "NS.<name>" (CommonSettings::Topic, ::Group). The tests give every run its own
// NS, and an ACL pattern (literal or prefix) cannot match a name after an arbitrary
// prefix. So a topic or group "NS.<name>", where NS is a namespace (letters,
// digits, '-', '_'), is also allowed when "<name>" is: lov-visits may write
// "t1a2b3c4.lov.visits.events.v1" because it may write "lov.visits.events.v1", and
// no user may do under a namespace what it may not do without one. The name as
// asked is tried last, so a refusal is logged with it. Namespaces separate test
// runs and municipalities sharing one cluster; they are not a security boundary
// between the services' users (in Kubernetes the ACLs name the prefixed topics).
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.metadata.authorizer.StandardAuthorizer;
import org.apache.kafka.server.authorizer.Action;
import org.apache.kafka.server.authorizer.AuthorizableRequestContext;
import org.apache.kafka.server.authorizer.AuthorizationResult;

public class LovNamespaceAuthorizer extends StandardAuthorizer {

    @Override
    public List<AuthorizationResult> authorize(AuthorizableRequestContext context, List<Action> actions) {
        List<Action> unfolded = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            Action a = actions.get(i);
            String base = withoutNamespace(a.resourcePattern());
            if (base != null) {
                // Not logged: a refusal is logged below with the name as asked.
                unfolded.add(new Action(a.operation(),
                        new ResourcePattern(a.resourcePattern().resourceType(), base, PatternType.LITERAL),
                        a.resourceReferenceCount(), a.logIfAllowed(), false));
                where.add(i);
            }
        }
        if (unfolded.isEmpty()) {
            return super.authorize(context, actions);
        }
        List<AuthorizationResult> folded = super.authorize(context, unfolded);
        List<Action> rest = new ArrayList<>();
        List<Integer> restAt = new ArrayList<>();
        AuthorizationResult[] out = new AuthorizationResult[actions.size()];
        for (int k = 0; k < where.size(); k++) {
            if (folded.get(k) == AuthorizationResult.ALLOWED) {
                out[where.get(k)] = AuthorizationResult.ALLOWED;
            }
        }
        for (int i = 0; i < actions.size(); i++) {
            if (out[i] == null) {
                rest.add(actions.get(i));
                restAt.add(i);
            }
        }
        if (!rest.isEmpty()) {
            List<AuthorizationResult> asked = super.authorize(context, rest);
            for (int k = 0; k < rest.size(); k++) {
                out[restAt.get(k)] = asked.get(k);
            }
        }
        return List.of(out);
    }

    // "lov.visits.events.v1" for the topic "NS.lov.visits.events.v1"; null for a
    // name without a namespace part, another resource type or a pattern.
    static String withoutNamespace(ResourcePattern pattern) {
        if (pattern.patternType() != PatternType.LITERAL) {
            return null;
        }
        if (pattern.resourceType() != ResourceType.TOPIC && pattern.resourceType() != ResourceType.GROUP) {
            return null;
        }
        String name = pattern.name();
        int dot = name.indexOf('.');
        if (dot <= 0 || dot == name.length() - 1) {
            return null;
        }
        for (int i = 0; i < dot; i++) {
            char c = name.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '_') {
                return null;
            }
        }
        return name.substring(dot + 1);
    }
}
