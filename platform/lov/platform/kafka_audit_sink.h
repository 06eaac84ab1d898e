#ifndef LOV_PLATFORM_KAFKA_AUDIT_SINK_H_
#define LOV_PLATFORM_KAFKA_AUDIT_SINK_H_

#include <string>

#include "lov/platform/call_guard.h"
#include "lov/platform/correction_queue.h"
#include "lov/platform/kafka.h"

namespace lov {

// Audit records on the append-only topic lov.audit.v1, as CloudEvents
// (type se.lov.audit.v1.access_recorded, keyed by the actor's subject so
// one person's records stay in order); Record returns once the record is
// durable (acks=all).
class KafkaAuditSink : public AuditSink {
 public:
  KafkaAuditSink(EventProducer* producer, std::string topic, std::string source,
                 CorrectionQueue::Options corrections = {});
  absl::Status Record(const auth::v1::AuditRecord& record) override;
  // Produced at once; `done` runs on the producer's poll thread.
  void RecordAsync(const auth::v1::AuditRecord& record,
                   std::function<void(absl::Status)> done) override;
  // Queued (CorrectionQueue) and sent until Kafka stores it. Its first try
  // is enqueued behind the records sent before (same key, same
  // partition), so a correction lands after the record it corrects.
  void RecordLater(const auth::v1::AuditRecord& record) override;
  // At shutdown, before the producer is flushed and destroyed: no more
  // tries (what still waits is logged).
  // Shutdown: up to `drain` to write what waits, then stop (what is left is
  // logged and counted as dropped).
  void StopCorrections(absl::Duration drain) {
    corrections_.Drain(drain);
    corrections_.Stop();
  }

 private:
  EventProducer* producer_;
  std::string topic_;
  std::string source_;
  CorrectionQueue corrections_;  // last: its thread uses the members above
};

}  // namespace lov

#endif  // LOV_PLATFORM_KAFKA_AUDIT_SINK_H_
