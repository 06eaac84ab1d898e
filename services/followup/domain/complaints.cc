#include "lov/followup/domain/complaints.h"

#include "absl/strings/str_cat.h"
#include "lov/followup/domain/calendar.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {

absl::StatusOr<v1::Complaint> RegisterComplaint(
    const v1::RegisterComplaintRequest& request,
    const std::string& complaint_id, absl::CivilDay today) {
  for (const auto& [field, value] : {std::pair<const char*, const std::string*>{
                                         "client_id", &request.client_id()},
                                     {"provider_id", &request.provider_id()},
                                     {"category", &request.category()}}) {
    if (value->empty()) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
    }
    if (absl::Status s = RefusePersonnummer(field, *value); !s.ok()) return s;
  }
  absl::StatusOr<absl::CivilDay> received =
      PastDateField("received_date", request.received_date(), today);
  if (!received.ok()) return received.status();
  v1::Complaint c;
  c.set_complaint_id(complaint_id);
  c.set_client_id(request.client_id());
  c.set_provider_id(request.provider_id());
  c.set_category(request.category());
  c.set_received_date(FormatDate(*received));
  c.set_reply_due_date(FormatDate(*received + kComplaintReplyDays));
  c.set_status(v1::COMPLAINT_STATUS_RECEIVED);
  c.set_version(1);
  return c;
}

absl::StatusOr<v1::Complaint> AdvanceComplaint(
    v1::Complaint complaint, const v1::AdvanceComplaintRequest& request,
    absl::CivilDay today) {
  const v1::ComplaintStatus to = request.status();
  if (to == v1::COMPLAINT_STATUS_UNSPECIFIED ||
      !v1::ComplaintStatus_IsValid(to)) {
    return absl::InvalidArgumentError(
        "status: is required (INVESTIGATING, ANSWERED or CLOSED)");
  }
  if (to <= complaint.status()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "status: complaint ", complaint.complaint_id(), " is already ",
        v1::ComplaintStatus_Name(complaint.status()),
        "; a complaint moves only forwards (received, investigating, "
        "answered, closed)"));
  }
  absl::StatusOr<absl::CivilDay> date =
      PastDateField("date", request.date(), today);
  if (!date.ok()) return date.status();
  if (FormatDate(*date) < complaint.received_date()) {
    return absl::InvalidArgumentError(
        absl::StrCat("date: ", FormatDate(*date), " is before the complaint ",
                     "was received (", complaint.received_date(), ")"));
  }
  complaint.set_status(to);
  if (to == v1::COMPLAINT_STATUS_ANSWERED) {
    complaint.set_answered_date(FormatDate(*date));
  }
  if (to == v1::COMPLAINT_STATUS_CLOSED) {
    complaint.set_closed_date(FormatDate(*date));
  }
  complaint.set_version(complaint.version() + 1);
  return complaint;
}

}  // namespace lov::followup
