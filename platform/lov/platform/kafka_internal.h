#ifndef LOV_PLATFORM_KAFKA_INTERNAL_H_
#define LOV_PLATFORM_KAFKA_INTERNAL_H_

// What the Kafka wrappers (kafka_*.cc) share among themselves; not for
// services, which use lov/platform/kafka.h.

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lov/platform/kafka.h"
#include "lov/platform/log.h"

namespace lov::kafka_internal {

// A librdkafka error as a status: UNAVAILABLE for what a retry may cure
// (transport, timeouts, leaders, full queue), FAILED_PRECONDITION for an
// unknown topic, INVALID_ARGUMENT for an event too large, INTERNAL else.
absl::Status KafkaError(const std::string& what, RdKafka::ErrorCode code);

// The client.id a client is given: `client_id`, else the settings', else
// "lov".
std::string ClientId(const KafkaSettings& settings,
                     const std::string& client_id = "");

// The producer's own settings (beside the connection's): idempotent,
// acks=all, and no linger: a call that waits for its write's acknowledgement
// would wait the linger too (performance.md, "Choice latency: where the time
// goes"); a bulk write still leaves in batches, as what queues while one
// request is in flight goes in the next.
std::vector<std::pair<std::string, std::string>> ProducerConfig(
    const KafkaSettings& settings);

// Sets each setting; INVALID_ARGUMENT naming the one librdkafka refuses.
absl::Status SetAll(RdKafka::Conf* conf,
                    const std::vector<std::pair<std::string, std::string>>& kv);

// The platform's log level for one of librdkafka's own log lines (syslog
// level 0-7, facility such as "FAIL", the text). A failed broker connection
// (FAIL) and an error librdkafka logs for want of an error callback (ERROR:
// all brokers down, a coordinator not answering yet) are warnings:
// librdkafka reconnects and retries by itself, and a failure that lasts is
// reported by the platform (start-up check, a write's or read's status,
// health). A fatal error (the client is unusable) stays an error.
log::Level KafkaLogLevel(int syslog_level, std::string_view facility,
                         std::string_view message);

// Writes one of librdkafka's log lines through the platform's logger (JSON,
// personnummer redacted): msg "librdkafka", fields facility, client and
// message.
void LogKafkaLine(int syslog_level, std::string_view facility,
                  std::string_view client, std::string_view message);

// Makes `conf` send librdkafka's log lines to LogKafkaLine instead of
// printing them raw on stderr. An event callback set on the same
// configuration takes them over (ConnectErrors passes them on).
void RouteLogs(rd_kafka_conf_t* conf);

// What librdkafka reports on its own while it connects: a refused login
// (ERR__AUTHENTICATION), or the last other error (e.g. a failed TLS
// handshake). A metadata request that times out says neither. With an event
// callback librdkafka's log lines come here too, and go to the platform's
// logger (LogKafkaLine).
class ConnectErrors : public RdKafka::EventCb {
 public:
  // `client`: the client id, named in the log lines.
  explicit ConnectErrors(std::string client) : client_(std::move(client)) {}
  void event_cb(RdKafka::Event& event) override;
  std::string refused();
  std::string other();

 private:
  const std::string client_;
  std::mutex mu_;
  std::string refused_, other_;
};

// Asks the cluster for metadata; a clear error if nobody answers. With
// `errors` (events of `handle`, served by poll()), it asks in short slices
// so that refused credentials end the wait at once with their own message.
absl::Status CheckReachable(RdKafka::Handle* handle,
                            const KafkaSettings& settings,
                            ConnectErrors* errors = nullptr);

// The CloudEvents 1.0 binary-mode headers of `event`.
std::unique_ptr<RdKafka::Headers> ToHeaders(const CloudEvent& event);
// Decodes a consumed message; INVALID_ARGUMENT names what is missing.
absl::StatusOr<CloudEvent> FromMessage(RdKafka::Message& message);

// `handler` on `events`, with no exception escaping (as lov::Guarded).
absl::Status GuardedBatch(const BatchEventHandler& handler,
                          const std::vector<CloudEvent>& events);

}  // namespace lov::kafka_internal

#endif  // LOV_PLATFORM_KAFKA_INTERNAL_H_
