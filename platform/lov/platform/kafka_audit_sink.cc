#include "lov/platform/kafka_audit_sink.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "lov/platform/proto_util.h"

namespace lov {

namespace {

CloudEvent EventOf(const auth::v1::AuditRecord& record,
                   const std::string& source) {
  CloudEvent ce;
  ce.id = record.record_id();
  ce.type = "se.lov.audit.v1.access_recorded";
  ce.source = source;
  ce.subject = record.actor().subject();
  ce.key = ce.subject;
  ce.time = FromProtoTime(record.at());
  ce.content_type = absl::StrCat(
      kProtobufContentType, "; proto=", record.GetDescriptor()->full_name());
  ce.data = SerializeDeterministic(record);
  return ce;
}

}  // namespace

KafkaAuditSink::KafkaAuditSink(EventProducer* producer, std::string topic,
                               std::string source,
                               CorrectionQueue::Options corrections)
    : producer_(producer),
      topic_(std::move(topic)),
      source_(std::move(source)),
      corrections_(
          [this](const auth::v1::AuditRecord& record,
                 CorrectionQueue::Done done) {
            producer_->PublishAsync(topic_, EventOf(record, source_),
                                    std::move(done));
          },
          corrections) {}

absl::Status KafkaAuditSink::Record(const auth::v1::AuditRecord& record) {
  return producer_->Publish(topic_, EventOf(record, source_));
}

void KafkaAuditSink::RecordAsync(const auth::v1::AuditRecord& record,
                                 std::function<void(absl::Status)> done) {
  producer_->PublishAsync(topic_, EventOf(record, source_), std::move(done));
}

void KafkaAuditSink::RecordLater(const auth::v1::AuditRecord& record) {
  corrections_.Add(record);
}

}  // namespace lov
