#include "lov/platform/kafka_audit_sink.h"

#include "absl/strings/str_cat.h"
#include "lov/platform/proto_util.h"

namespace lov {

absl::Status KafkaAuditSink::Record(const auth::v1::AuditRecord& record) {
  CloudEvent ce;
  ce.id = record.record_id();
  ce.type = "se.lov.audit.v1.access_recorded";
  ce.source = source_;
  ce.subject = record.actor().subject();
  ce.key = ce.subject;
  ce.time = FromProtoTime(record.at());
  ce.content_type = absl::StrCat(
      kProtobufContentType, "; proto=", record.GetDescriptor()->full_name());
  ce.data = SerializeDeterministic(record);
  return producer_->Publish(topic_, ce);
}

}  // namespace lov
