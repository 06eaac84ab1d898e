#include "lov/platform/kafka_audit_sink.h"

#include "absl/strings/str_cat.h"
#include "lov/platform/log.h"
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

absl::Status KafkaAuditSink::Record(const auth::v1::AuditRecord& record) {
  return producer_->Publish(topic_, EventOf(record, source_));
}

void KafkaAuditSink::RecordLater(const auth::v1::AuditRecord& record) {
  producer_->PublishAsync(
      topic_, EventOf(record, source_),
      [id = record.record_id(), method = record.method()](absl::Status s) {
        if (!s.ok()) {
          log::Error("audit correction not written",
                     {{"record_id", id}, {"method", method}, {"error", s}});
        }
      });
}

}  // namespace lov
