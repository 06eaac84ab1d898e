// Small admin helper for the local single-node broker, used by deploy/local/stack.sh.
// The broker's runtime class path (kafka-clients, reload4j) is all it needs; the
// TopicCommand CLI lives in kafka-tools, which the broker does not pull in.
//
//   KafkaAdmin BOOTSTRAP ready WAIT_MS [PID]   exit 0 once the broker serves metadata
//                                              (a registered broker and a topic listing);
//                                              1 on timeout, 2 if process PID died first
//   KafkaAdmin BOOTSTRAP create-topics FILE    create the topics in FILE ("<topic> <partitions>"
//                                              per line, # comments), replication factor 1,
//                                              existing topics are left as they are
//   KafkaAdmin BOOTSTRAP list                  "<topic> <partitions>" per non-internal topic
//   KafkaAdmin BOOTSTRAP scram-users USER=PASSWORD_FILE...
//                                              create or update the SCRAM-SHA-512 credentials
//                                              of each USER with the password in its file
//   KafkaAdmin BOOTSTRAP acls FILE...          make the ACLs of the users in FILE (Strimzi
//                                              KafkaUser resources: k8s/base/kafka/users.yaml)
//                                              exactly those: missing ones are created, and a
//                                              user's ACLs that FILE no longer names deleted;
//                                              4 if the broker has no authorizer
//
// The environment variable KAFKA_ADMIN_CONFIG names a Java properties file with the
// client's security settings (security.protocol, sasl.mechanism, sasl.jaas.config of the
// admin user, ssl.truststore.*); stack.sh writes it. A refused login ends any command at
// once with exit code 3.
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;

public final class KafkaAdmin {
    private static final long CALL_TIMEOUT_MS = 30_000;

    public static void main(String[] args) throws Exception {
        quietLogging();
        if (args.length < 2) {
            usage();
        }
        String bootstrap = args[0];
        String command = args[1];
        int rc;
        switch (command) {
            case "ready":
                if (args.length < 3 || args.length > 4) {
                    usage();
                }
                rc = ready(bootstrap, Long.parseLong(args[2]),
                        args.length == 4 ? Optional.of(Long.parseLong(args[3])) : Optional.empty());
                break;
            case "create-topics":
                if (args.length != 3) {
                    usage();
                }
                rc = createTopics(bootstrap, Path.of(args[2]));
                break;
            case "list":
                if (args.length != 2) {
                    usage();
                }
                rc = list(bootstrap);
                break;
            case "scram-users":
                if (args.length < 3) {
                    usage();
                }
                rc = scramUsers(bootstrap, List.of(args).subList(2, args.length));
                break;
            case "acls":
                if (args.length < 3) {
                    usage();
                }
                rc = acls(bootstrap, List.of(args).subList(2, args.length));
                break;
            default:
                usage();
                return;
        }
        System.exit(rc);
    }

    private static void usage() {
        System.err.println("usage: KafkaAdmin BOOTSTRAP ready WAIT_MS [PID]"
                + " | create-topics FILE | list | scram-users USER=PASSWORD_FILE... | acls FILE...");
        System.exit(64);
    }

    // The broker's jars bring reload4j; without a configuration it prints warnings on
    // every run. Only errors are worth showing here (connection refusals while waiting
    // for the broker are logged at WARN and are expected).
    private static void quietLogging() {
        org.apache.log4j.Logger root = org.apache.log4j.Logger.getRootLogger();
        root.removeAllAppenders();
        org.apache.log4j.ConsoleAppender console = new org.apache.log4j.ConsoleAppender(
                new org.apache.log4j.PatternLayout("kafka-admin: %p %c: %m%n"),
                org.apache.log4j.ConsoleAppender.SYSTEM_ERR);
        root.addAppender(console);
        root.setLevel(org.apache.log4j.Level.ERROR);
    }

    private static Admin admin(String bootstrap, int requestTimeoutMs) {
        Properties p = new Properties();
        String config = System.getenv("KAFKA_ADMIN_CONFIG");
        if (config != null && !config.isEmpty()) {
            try (var in = Files.newBufferedReader(Path.of(config), StandardCharsets.UTF_8)) {
                p.load(in);
            } catch (java.io.IOException e) {
                System.err.println("kafka-admin: cannot read KAFKA_ADMIN_CONFIG " + config + ": " + e);
                System.exit(1);
            }
        }
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "lov-stack-admin");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Math.max(requestTimeoutMs, 5_000));
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 1_000);
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 2_000);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 100);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        return Admin.create(p);
    }

    private static int ready(String bootstrap, long waitMs, Optional<Long> pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        String lastError = "no answer yet";
        try (Admin admin = admin(bootstrap, 2_000)) {
            while (true) {
                if (pid.isPresent()) {
                    boolean alive = ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false);
                    if (!alive) {
                        System.err.println("kafka-admin: broker process " + pid.get() + " exited");
                        return 2;
                    }
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    System.err.println("kafka-admin: broker at " + bootstrap
                            + " not serving metadata after " + waitMs + " ms: " + lastError);
                    return 1;
                }
                long attempt = Math.min(left, 3_000);
                try {
                    Collection<Node> nodes = admin.describeCluster().nodes().get(attempt, TimeUnit.MILLISECONDS);
                    if (nodes.isEmpty()) {
                        lastError = "no broker registered yet";
                    } else {
                        admin.listTopics().names().get(Math.max(1, attempt), TimeUnit.MILLISECONDS);
                        return 0;
                    }
                } catch (ExecutionException e) {
                    refusedLogin(bootstrap, e);
                    lastError = String.valueOf(e.getCause());
                } catch (java.util.concurrent.TimeoutException e) {
                    lastError = "request timed out";
                }
                Thread.sleep(200);
            }
        }
    }

    // A refused login does not get better by waiting: say so and stop.
    private static void refusedLogin(String bootstrap, ExecutionException e) {
        if (e.getCause() instanceof AuthenticationException) {
            System.err.println("kafka-admin: the broker at " + bootstrap
                    + " refused the admin credentials (KAFKA_ADMIN_CONFIG): " + e.getCause().getMessage());
            System.exit(3);
        }
    }

    private static int scramUsers(String bootstrap, List<String> users) throws Exception {
        List<UserScramCredentialAlteration> upserts = new ArrayList<>();
        for (String spec : users) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                System.err.println("error: '" + spec + "' is not USER=PASSWORD_FILE");
                return 1;
            }
            String password = Files.readString(Path.of(spec.substring(eq + 1)), StandardCharsets.UTF_8).strip();
            upserts.add(new UserScramCredentialUpsertion(spec.substring(0, eq),
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password));
        }
        try (Admin admin = admin(bootstrap, 15_000)) {
            admin.alterUserScramCredentials(upserts).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            refusedLogin(bootstrap, e);
            System.err.println("error: setting the SCRAM credentials: " + e.getCause());
            return 1;
        }
        return 0;
    }

    private static Map<String, Integer> parseTopics(Path file) throws Exception {
        Map<String, Integer> topics = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            String where = file + ":" + (i + 1) + ": ";
            if (f.length != 2) {
                errors.add(where + "expected '<topic> <partitions>', got '" + line + "'");
                continue;
            }
            if (!f[0].matches("[a-zA-Z0-9._-]{1,249}")) {
                errors.add(where + "invalid topic name '" + f[0] + "'");
                continue;
            }
            int partitions;
            try {
                partitions = Integer.parseInt(f[1]);
            } catch (NumberFormatException e) {
                partitions = -1;
            }
            if (partitions < 1) {
                errors.add(where + "partitions must be a positive integer, got '" + f[1] + "'");
                continue;
            }
            Integer previous = topics.put(f[0], partitions);
            if (previous != null && previous != partitions) {
                errors.add(where + "topic '" + f[0] + "' listed twice with different partitions");
            }
        }
        if (!errors.isEmpty()) {
            errors.forEach(e -> System.err.println("error: " + e));
            throw new IllegalArgumentException("invalid topics file " + file);
        }
        return topics;
    }

    private static int createTopics(String bootstrap, Path file) throws Exception {
        Map<String, Integer> wanted;
        try {
            wanted = parseTopics(file);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        if (wanted.isEmpty()) {
            System.err.println("no topics listed in " + file);
            return 0;
        }
        int failures = 0;
        try (Admin admin = admin(bootstrap, 15_000)) {
            List<NewTopic> newTopics = new ArrayList<>();
            wanted.forEach((name, partitions) -> newTopics.add(new NewTopic(name, partitions, (short) 1)));
            var results = admin.createTopics(newTopics).values();
            List<String> existing = new ArrayList<>();
            for (Map.Entry<String, Integer> t : wanted.entrySet()) {
                try {
                    results.get(t.getKey()).get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                    System.out.println("created topic " + t.getKey() + " (" + t.getValue() + " partitions)");
                } catch (ExecutionException e) {
                    refusedLogin(bootstrap, e);
                    if (e.getCause() instanceof TopicExistsException) {
                        existing.add(t.getKey());
                    } else {
                        failures++;
                        System.err.println("error: creating topic " + t.getKey() + ": " + e.getCause());
                    }
                }
            }
            if (!existing.isEmpty()) {
                Map<String, TopicDescription> d = admin.describeTopics(existing).allTopicNames()
                        .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                for (String name : existing) {
                    int have = d.get(name).partitions().size();
                    System.out.println("ok topic " + name + " (exists, " + have + " partitions)");
                    if (have != wanted.get(name)) {
                        System.err.println("warning: topic " + name + " has " + have + " partitions, "
                                + file + " asks for " + wanted.get(name) + " (left unchanged)");
                    }
                }
            }
        }
        return failures == 0 ? 0 : 1;
    }

    private static int list(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap, 15_000)) {
            TreeSet<String> names = new TreeSet<>(admin.listTopics().names().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS));
            if (names.isEmpty()) {
                return 0;
            }
            Map<String, TopicDescription> d = admin.describeTopics(names).allTopicNames()
                    .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            for (String name : names) {
                System.out.println(name + " " + d.get(name).partitions().size());
            }
        }
        return 0;
    }

    // The ACLs of the KafkaUser resources in a file, per principal ("User:lov-visits").
    // Reads only the shape users.yaml has (spec.authorization.acls with resource.type,
    // resource.name, resource.patternType and operations: [..]); anything else in an
    // ACL is an error, so that the local broker never grants less or more than it says.
    static Map<String, Set<AclBinding>> parseUsers(Path file) throws Exception {
        Map<String, Set<AclBinding>> users = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String user = null;
        boolean inMetadata = false;
        String type = null, name = null, pattern = null;
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            String line = raw.strip();
            String where = file + ":" + (i + 1) + ": ";
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.equals("---")) {
                user = null;
                continue;
            }
            if (!raw.startsWith(" ")) {
                inMetadata = line.equals("metadata:");
                continue;
            }
            if (inMetadata && raw.startsWith("  name: ")) {
                user = "User:" + line.substring("name: ".length()).strip();
                users.put(user, new HashSet<>());
                continue;
            }
            if (line.equals("- resource:")) {
                type = name = pattern = null;
                continue;
            }
            String value = line.contains(":") ? line.substring(line.indexOf(':') + 1).strip() : "";
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            if (line.startsWith("type: ")) {
                type = value;
            } else if (line.startsWith("name: ") && type != null) {
                name = value;
            } else if (line.startsWith("patternType: ")) {
                pattern = value;
            } else if (line.startsWith("operations: ")) {
                if (user == null || type == null || name == null || pattern == null) {
                    throw new IllegalArgumentException(where + "an ACL needs a user (metadata.name) and"
                            + " resource.type, resource.name and resource.patternType before operations");
                }
                ResourceType rt = switch (type) {
                    case "topic" -> ResourceType.TOPIC;
                    case "group" -> ResourceType.GROUP;
                    case "cluster" -> ResourceType.CLUSTER;
                    case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
                    default -> throw new IllegalArgumentException(where + "unknown resource type '" + type + "'");
                };
                PatternType pt = switch (pattern) {
                    case "literal" -> PatternType.LITERAL;
                    case "prefix" -> PatternType.PREFIXED;
                    default -> throw new IllegalArgumentException(where + "patternType '" + pattern
                            + "' is neither literal nor prefix");
                };
                if (!value.startsWith("[") || !value.endsWith("]")) {
                    throw new IllegalArgumentException(where + "operations must be a list: [Read, ...]");
                }
                for (String op : value.substring(1, value.length() - 1).split(",")) {
                    AclOperation operation = operation(op.strip(), where);
                    users.get(user).add(new AclBinding(new ResourcePattern(rt, name, pt),
                            new AccessControlEntry(user, "*", operation, AclPermissionType.ALLOW)));
                }
                type = name = pattern = null;
            }
        }
        return users;
    }

    // Strimzi's names ("Write", "DescribeConfigs") as Kafka's operations.
    private static AclOperation operation(String strimzi, String where) {
        String upper = strimzi.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
        try {
            AclOperation op = AclOperation.valueOf(upper);
            if (op != AclOperation.ANY && op != AclOperation.UNKNOWN) {
                return op;
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw new IllegalArgumentException(where + "unknown operation '" + strimzi + "'");
    }

    private static int acls(String bootstrap, List<String> files) throws Exception {
        Map<String, Set<AclBinding>> wanted = new LinkedHashMap<>();
        try {
            for (String f : files) {
                for (Map.Entry<String, Set<AclBinding>> u : parseUsers(Path.of(f)).entrySet()) {
                    if (wanted.putIfAbsent(u.getKey(), u.getValue()) != null) {
                        System.err.println("error: " + u.getKey() + " is defined twice (" + files + ")");
                        return 1;
                    }
                }
            }
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        try (Admin admin = admin(bootstrap, 15_000)) {
            List<AclBinding> create = new ArrayList<>();
            List<AclBindingFilter> delete = new ArrayList<>();
            for (Map.Entry<String, Set<AclBinding>> u : wanted.entrySet()) {
                AclBindingFilter mine = new AclBindingFilter(ResourcePatternFilter.ANY,
                        new AccessControlEntryFilter(u.getKey(), null, AclOperation.ANY, AclPermissionType.ANY));
                Set<AclBinding> have = new HashSet<>(admin.describeAcls(mine).values()
                        .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS));
                for (AclBinding b : u.getValue()) {
                    if (!have.contains(b)) {
                        create.add(b);
                    }
                }
                for (AclBinding b : have) {
                    if (!u.getValue().contains(b)) {
                        delete.add(b.toFilter());
                    }
                }
            }
            if (!create.isEmpty()) {
                admin.createAcls(create).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            if (!delete.isEmpty()) {
                admin.deleteAcls(delete).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            int total = wanted.values().stream().mapToInt(Set::size).sum();
            System.err.println("kafka-admin: " + total + " ACLs of " + wanted.size() + " users in place ("
                    + create.size() + " created, " + delete.size() + " deleted)");
        } catch (ExecutionException e) {
            refusedLogin(bootstrap, e);
            if (e.getCause() instanceof SecurityDisabledException) {
                System.err.println("kafka-admin: the broker at " + bootstrap + " has no authorizer: "
                        + e.getCause().getMessage());
                return 4;
            }
            System.err.println("error: setting the ACLs: " + e.getCause());
            return 1;
        }
        return 0;
    }
}
