#include "lov/platform/service_main.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "lov/platform/auth/key_set_source.h"
#include "lov/platform/auth/refreshing_verifier.h"
#include "lov/platform/credential_authenticator.h"
#include "lov/platform/dependency_probes.h"
#include "lov/platform/kafka_audit_sink.h"
#include "lov/platform/log.h"
#include "lov/platform/topics.h"

namespace lov {

ServiceContext::ServiceContext(Config* config, CommonSettings settings,
                               RedisClient* redis, EventProducer* producer,
                               int workers, size_t queue_limit)
    : config_(config),
      settings_(std::move(settings)),
      redis_(redis),
      producer_(producer),
      pool_(workers, queue_limit) {}

ServiceContext::~ServiceContext() {
  projections_.clear();
  while (!parts_.empty()) parts_.pop_back();
}

std::string ServiceContext::DeadLetterTopic() const {
  return Topic(topics::DeadLetter(settings_.service_name));
}

std::string ServiceContext::KeyPrefix() const {
  return settings_.KeyPrefix("lov:" + settings_.service_name);
}

void ServiceContext::Serve(grpc::Service* service, std::string full_name) {
  services_.emplace_back(service, std::move(full_name));
}

void ServiceContext::Project(std::string name, std::vector<std::string> topics,
                             std::string ready_key, EventHandler apply,
                             BatchEventHandler apply_batch, bool dedupe) {
  ProjectionSettings settings{.name = std::move(name),
                              .topics = std::move(topics),
                              .dead_letter_topic = DeadLetterTopic(),
                              .ready_key = std::move(ready_key)};
  if (settings_.projection_batches) {
    settings.apply_batch = std::move(apply_batch);
  }
  settings.dedupe = dedupe;
  when_listening_.push_back([this, settings = std::move(settings),
                             apply = std::move(apply)]() -> absl::Status {
    absl::StatusOr<std::unique_ptr<Projection>> p =
        Projection::Start(settings_, settings, redis_, producer_, apply);
    if (!p.ok()) return p.status();
    projections_.push_back(std::move(*p));
    return absl::OkStatus();
  });
}

void ServiceContext::WhenListening(std::function<absl::Status()> step) {
  when_listening_.push_back(std::move(step));
}

void ServiceContext::OnServing(std::function<void()> step) {
  on_serving_.push_back(std::move(step));
}

void ServiceContext::OnShutdown(std::function<void()> step) {
  on_shutdown_.push_back(std::move(step));
}

namespace {

std::vector<TopicSpec> TopicsOf(const ServiceSpec& spec,
                                const CommonSettings& common) {
  std::vector<TopicSpec> out = {{common.Topic(topics::DeadLetter(spec.name)), 1,
                                 common.topic_replication,
                                 DeadLetterTopicConfig()}};
  // The audit log every service writes to (call_guard.h).
  std::vector<std::string> bases = spec.topics;
  if (std::find(bases.begin(), bases.end(), topics::kAudit) == bases.end()) {
    bases.push_back(topics::kAudit);
  }
  for (const std::string& base : bases) {
    out.push_back({common.Topic(base), common.topic_partitions,
                   common.topic_replication, TopicConfigOf(base)});
  }
  return out;
}

// What health watches: Kafka always, Redis where the service keeps its
// state.
std::vector<Dependency> DependenciesOf(const ServiceSpec& spec,
                                       const CommonSettings& common) {
  std::vector<Dependency> out = {KafkaDependency(common.kafka())};
  if (spec.uses_redis) {
    out.push_back(RedisDependency(common.redis_addr, common.redis_auth));
  }
  return out;
}

// Who may call: OIDC bearer tokens checked against the identity provider's
// keys, and client certificates the TLS handshake verified. There is no
// setting that lets a call in without a credential.
struct AuthSettings {
  std::string jwks_file;
  std::string jwks_url;
  std::string jwks_ca_file;
  absl::Duration jwks_refresh;
  auth::VerifierOptions verifier;
};

AuthSettings ReadAuthSettings(Config& config) {
  AuthSettings a;
  a.jwks_file = config.String("oidc-jwks-file", "");
  a.jwks_url = config.String("oidc-jwks-url", "");
  a.jwks_ca_file = config.String("oidc-ca-file", "");
  a.jwks_refresh =
      absl::Seconds(config.Int("oidc-jwks-refresh-seconds", 300, 10, 86400));
  a.verifier.issuer = config.String("oidc-issuer", "");
  a.verifier.audience = config.String("oidc-audience", "lov");
  a.verifier.clock_skew =
      absl::Seconds(config.Int("oidc-clock-skew-seconds", 60, 0, 600));
  // The development setting that let every call in without a credential
  // is gone: an old configuration that still asks for it fails loudly
  // rather than running signed in (or open) without saying so.
  if (config.Bool("insecure-no-auth", false)) {
    config.AddError(
        "--insecure-no-auth / LOV_INSECURE_NO_AUTH=true: this development "
        "setting was removed; every call needs a credential. Unset "
        "LOV_INSECURE_NO_AUTH and configure an identity provider "
        "(--oidc-jwks-file or --oidc-jwks-url, and --oidc-issuer; `make "
        "run` and k8s/dev-secrets.sh set up a development issuer)");
  }
  if (!a.jwks_file.empty() && !a.jwks_url.empty()) {
    config.AddError(
        "--oidc-jwks-file and --oidc-jwks-url: give one source of the "
        "identity provider's keys, not both");
  }
  return a;
}

// The identity provider's keys from the file or URL configured, followed as
// they rotate; a refresh that fails is logged and the keys in use stay.
absl::StatusOr<std::shared_ptr<const auth::BearerVerifier>> StartVerifier(
    const AuthSettings& a, const Clock* clock) {
  const bool from_file = !a.jwks_file.empty();
  const std::string flag = from_file ? "--oidc-jwks-file / LOV_OIDC_JWKS_FILE"
                                     : "--oidc-jwks-url / LOV_OIDC_JWKS_URL";
  absl::StatusOr<auth::KeySetFetcher> fetch =
      from_file
          ? auth::KeySetFromFile(a.jwks_file)
          : auth::KeySetFromUrl(a.jwks_url, a.jwks_ca_file, absl::Seconds(10));
  if (!fetch.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": ", fetch.status().message()));
  }
  auth::RefreshSettings refresh;
  refresh.refresh_every = a.jwks_refresh;
  refresh.on_refresh_failed = [flag](const absl::Status& s) {
    log::Warn(
        "the identity provider's keys could not be refreshed; the keys "
        "in use stay",
        {{"source", flag}, {"error", std::string(s.message())}});
  };
  absl::StatusOr<std::unique_ptr<auth::RefreshingVerifier>> verifier =
      auth::RefreshingVerifier::Start(*std::move(fetch), a.verifier,
                                      std::move(refresh), clock);
  if (!verifier.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": ", verifier.status().message()));
  }
  return std::shared_ptr<const auth::BearerVerifier>(std::move(*verifier));
}

// `verifier_out` keeps the token verifier for the service's other sign-in
// (the console's dashboard); it stays null without an identity provider.
// `audit_out` keeps the audit sink, whose corrections stop at shutdown.
absl::Status ConfigureCallers(
    const AuthSettings& a, const std::string& name, EventProducer* producer,
    const CommonSettings& common, const Clock* clock,
    const CorrectionQueue::Options& corrections,
    std::shared_ptr<const auth::BearerVerifier>* verifier_out,
    std::shared_ptr<KafkaAuditSink>* audit_out) {
  SetSystemActor(name);
  CallGuardSettings guard;
  *audit_out = std::make_shared<KafkaAuditSink>(
      producer, common.Topic(topics::kAudit), "/lov/" + name, corrections);
  guard.audit = *audit_out;
  if (!a.jwks_file.empty() || !a.jwks_url.empty()) {
    absl::StatusOr<std::shared_ptr<const auth::BearerVerifier>> verifier =
        StartVerifier(a, clock);
    if (!verifier.ok()) return verifier.status();
    *verifier_out = *verifier;
    guard.authenticator =
        std::make_shared<CredentialAuthenticator>(*std::move(verifier));
  } else {
    return absl::InvalidArgumentError(
        "no identity provider configured: set --oidc-jwks-url "
        "(LOV_OIDC_JWKS_URL) or --oidc-jwks-file (LOV_OIDC_JWKS_FILE), and "
        "--oidc-issuer (LOV_OIDC_ISSUER)");
  }
  ConfigureCallGuard(std::move(guard));
  return absl::OkStatus();
}

}  // namespace

int ServiceMain(int argc, char** argv, const ServiceSpec& spec) {
  auto fail = [&spec](const absl::Status& s) {
    return FailStartup(spec.name, s);
  };
  BlockTerminationSignals();
  Config config(argc, argv);
  CommonSettings common =
      ReadCommonSettings(config, spec.name, spec.grpc_port, spec.metrics_port);
  const int workers = static_cast<int>(config.Int("workers", 8, 1, 256));
  // Calls that may wait for a worker; beyond: RESOURCE_EXHAUSTED at once.
  const size_t queue_limit = static_cast<size_t>(config.Int(
      "worker-queue-limit", WorkerPool::kDefaultMaxQueued, 1, 100000));
  // Audit corrections waiting for Kafka (correction_queue.h).
  CorrectionQueue::Options corrections;
  corrections.max_pending = static_cast<size_t>(
      config.Int("audit-corrections-max-pending",
                 CorrectionQueue::kDefaultMaxPending, 1, 1000000));
  // For tests only: confirmations held back (correction_queue.h).
  corrections.confirmation_hold = absl::Milliseconds(
      config.Int("audit-confirmation-hold-ms", 0, 0, 3600 * 1000));
  const AuthSettings auth_settings = ReadAuthSettings(config);
  if (spec.flags) spec.flags(config);
  if (absl::Status s = config.Validate(); !s.ok()) return fail(s);
  if (absl::Status s = common.CheckKafkaSecurity(); !s.ok()) return fail(s);

  std::unique_ptr<RedisClient> redis;
  if (spec.uses_redis) {
    absl::StatusOr<std::unique_ptr<RedisClient>> r = common.ConnectRedis();
    if (!r.ok()) return fail(r.status());
    redis = std::move(*r);
  }
  absl::StatusOr<std::unique_ptr<EventProducer>> producer =
      EventProducer::Create(common.kafka());
  if (!producer.ok()) return fail(producer.status());
  if (absl::Status s = EnsureTopics(common.kafka(), TopicsOf(spec, common));
      !s.ok()) {
    return fail(s);
  }

  ServiceContext ctx(&config, common, redis.get(), producer->get(), workers,
                     queue_limit);
  std::shared_ptr<KafkaAuditSink> audit;
  if (absl::Status s = ConfigureCallers(
          auth_settings, spec.name, producer->get(), common, ctx.clock(),
          corrections, &ctx.bearer_verifier_, &audit);
      !s.ok()) {
    return fail(s);
  }
  if (absl::Status s = spec.wire(ctx); !s.ok()) return fail(s);
  ServiceHost host(common);
  for (auto& [service, name] : ctx.services_) host.Register(service, name);
  host.WatchDependencies(DependenciesOf(spec, common));
  if (absl::Status s = host.Start(); !s.ok()) return fail(s);
  for (auto& step : ctx.when_listening_) {
    if (absl::Status s = step(); !s.ok()) return fail(s);
  }
  host.SetServing(true);
  log::Info(absl::StrCat(spec.name, " serving"),
            {{"grpc_port", host.grpc_port()}});
  for (auto& step : ctx.on_serving_) step();

  for (auto& step : ctx.on_shutdown_) host.OnShutdown(step);
  host.OnShutdown([&ctx] {
    for (auto it = ctx.projections_.rbegin(); it != ctx.projections_.rend();
         ++it) {
      (*it)->Stop();
    }
  });
  // No correction is tried once the producer is flushed and gone; the calls
  // have ended, so the last ones get a few seconds to be written first.
  host.OnShutdown([&audit] { audit->StopCorrections(absl::Seconds(5)); });
  host.OnShutdown([&producer] {
    absl::Status s = (*producer)->Flush(absl::Seconds(10));
    if (!s.ok()) log::Error("flush failed", {{"error", s}});
  });
  host.WaitForShutdown();
  return 0;
}

}  // namespace lov
