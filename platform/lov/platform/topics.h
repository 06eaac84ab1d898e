#ifndef LOV_PLATFORM_TOPICS_H_
#define LOV_PLATFORM_TOPICS_H_

#include <string>
#include <string_view>

// The platform's Kafka topics, named once (docs/events.md describes them).
// Services prefix them with CommonSettings::Topic() for --namespace.
namespace lov::topics {

inline constexpr char kRegistryEvents[] = "lov.registry.events.v1";
inline constexpr char kChoiceEvents[] = "lov.choice.events.v1";
inline constexpr char kVisitsEvents[] = "lov.visits.events.v1";
// Rejected visit reports (VisitRejected), kept for a limited time and size
// (RejectedTopicConfig); never needed by settlement or the audit log.
inline constexpr char kVisitsRejected[] = "lov.visits.rejected.v1";
// How long the visits service keeps a rejected report by default
// (--rejected-retention-days), and so how long its topic keeps it at least.
inline constexpr int kDefaultRejectedRetentionDays = 90;
inline constexpr char kSettlementEvents[] = "lov.settlement.events.v1";
// Complaints, deviations and lex Sarah reports, follow-ups of providers.
inline constexpr char kFollowupEvents[] = "lov.followup.events.v1";
// Every access to a client's data and every decision with money or legal
// effect (lov.auth.v1.AuditRecord); append-only, kept for ever.
inline constexpr char kAudit[] = "lov.audit.v1";

// A consuming service's dead-letter topic: "lov.<service>.dlq.v1".
inline std::string DeadLetter(const std::string& service) {
  return "lov." + service + ".dlq.v1";
}

// Whether `base` names a dead-letter topic ("lov.<service>.dlq.v1").
inline bool IsDeadLetter(const std::string& base) {
  constexpr std::string_view kPrefix = "lov.", kSuffix = ".dlq.v1";
  return base.size() > kPrefix.size() + kSuffix.size() &&
         base.starts_with(kPrefix) && base.ends_with(kSuffix);
}

}  // namespace lov::topics

#endif  // LOV_PLATFORM_TOPICS_H_
