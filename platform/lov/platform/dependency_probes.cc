#include "lov/platform/dependency_probes.h"

#include <librdkafka/rdkafkacpp.h>

#include <memory>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"

namespace lov {
namespace {

// The probe's own librdkafka handle keeps quiet (the monitor logs each
// change once) but remembers the last error it reported, which says more
// than the metadata request's "transport failure" (a refused login, a
// failed TLS handshake).
class LastError : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override {
    if (event.type() != RdKafka::Event::EVENT_ERROR) return;
    std::lock_guard<std::mutex> lock(mu_);
    last_ = event.str();
  }
  std::string Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(last_, "");
  }

 private:
  std::mutex mu_;
  std::string last_;
};

class KafkaProbe {
 public:
  KafkaProbe(KafkaSettings settings, absl::Duration timeout)
      : settings_(std::move(settings)), timeout_(timeout) {}

  absl::Status Check() {
    if (absl::Status s = Open(); !s.ok()) return s;
    RdKafka::Metadata* metadata = nullptr;
    const RdKafka::ErrorCode code = handle_->metadata(
        /*all_topics=*/false, nullptr, &metadata,
        static_cast<int>(absl::ToInt64Milliseconds(timeout_)));
    std::unique_ptr<RdKafka::Metadata> owned(metadata);
    handle_->poll(0);  // serves the error events queued meanwhile
    const std::string last = errors_.Take();
    if (code == RdKafka::ERR_NO_ERROR) return absl::OkStatus();
    return absl::UnavailableError(absl::StrCat(
        "no Kafka broker at ", settings_.brokers, " answered within ",
        absl::FormatDuration(timeout_), ": ", RdKafka::err2str(code),
        last.empty() ? "" : " (", last, last.empty() ? "" : ")"));
  }

 private:
  absl::Status Open() {
    if (handle_) return absl::OkStatus();
    std::unique_ptr<RdKafka::Conf> conf(
        RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    if (absl::Status s = SetConnectionConfig(conf.get(), settings_,
                                             settings_.client_id + "-health");
        !s.ok()) {
      return s;
    }
    std::string err;
    // A broker that is back is noticed within a second, not after
    // librdkafka's default backoff of up to 10 s.
    if (conf->set("reconnect.backoff.max.ms", "1000", err) !=
            RdKafka::Conf::CONF_OK ||
        conf->set("event_cb", &errors_, err) != RdKafka::Conf::CONF_OK) {
      return absl::InternalError(absl::StrCat("Kafka health probe: ", err));
    }
    handle_.reset(RdKafka::Producer::create(conf.get(), err));
    if (!handle_) {
      return absl::InternalError(absl::StrCat("Kafka health probe: ", err));
    }
    return absl::OkStatus();
  }

  KafkaSettings settings_;
  absl::Duration timeout_;
  LastError errors_;
  std::unique_ptr<RdKafka::Producer> handle_;
};

class RedisProbe {
 public:
  RedisProbe(std::string host_port, RedisAuth auth, absl::Duration timeout)
      : host_port_(std::move(host_port)),
        auth_(std::move(auth)),
        timeout_(timeout) {}

  absl::Status Check() {
    if (!client_) {
      absl::StatusOr<std::unique_ptr<RedisClient>> client =
          RedisClient::Connect(host_port_, timeout_, auth_);
      if (!client.ok()) return client.status();
      client_ = std::move(*client);
      // The probe reports an outage; riding it out is for the commands.
      client_->set_ride_out(absl::ZeroDuration());
    }
    // A failed PING drops its connection; the next one connects anew.
    return client_->Command({"PING"}).status();
  }

 private:
  std::string host_port_;
  RedisAuth auth_;
  absl::Duration timeout_;
  std::unique_ptr<RedisClient> client_;
};

}  // namespace

Dependency KafkaDependency(const KafkaSettings& settings,
                           absl::Duration timeout) {
  auto probe = std::make_shared<KafkaProbe>(settings, timeout);
  return {"kafka", [probe] { return probe->Check(); }};
}

Dependency RedisDependency(const std::string& host_port, const RedisAuth& auth,
                           absl::Duration timeout) {
  auto probe = std::make_shared<RedisProbe>(host_port, auth, timeout);
  return {"redis", [probe] { return probe->Check(); }};
}

}  // namespace lov
