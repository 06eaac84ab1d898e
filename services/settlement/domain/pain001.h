#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_PAIN001_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_PAIN001_H_

// The month's approved statements as one ISO 20022 customer credit transfer
// initiation (pain.001.001.03, the version Swedish banks take for bankgiro
// and plusgiro payments): one payment (PmtInf) from the municipality's
// bankgiro, one transaction (CdtTrfTxInf) per payable statement, in SEK,
// the amount the statement total in kronor with two decimals from öre.
// Swedish account usage (Bankgirot and the banks' ISO 20022 guides):
//   bankgiro: CdtrAcct/Id/Othr/Id the number, SchmeNm/Prtry "BGNR",
//             CdtrAgt clearing member (SESBA) 9900;
//   plusgiro: CdtrAcct/Id/Othr/Id the number, SchmeNm/Cd "BBAN",
//             CdtrAgt clearing member (SESBA) 9960;
//   payer:    DbtrAcct/Id/Othr/Id its bankgiro, SchmeNm/Prtry "BGNR"
//             (or, without a bankgiro, its plusgiro, SchmeNm/Cd "BBAN").
// A statement is not payable, and listed with the reason instead of paid,
// when its total is negative (the provider owes the municipality: its
// Peppol export is a self-billed credit note, set off against a later
// payment), its provider has no payment details, must not be paid gross
// (no F-tax approval: preliminary tax must be withheld first), or its total
// is zero. EndToEndId is the statement id (the bank returns it). The
// control sum is checked: OUT_OF_RANGE if it leaves int64 öre.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lov/registry/v1/registry.pb.h"
#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement {

struct Payee {
  v1::Statement statement;  // approved
  std::optional<registry::v1::PaymentDetails> details;
  std::string name;  // the provider's name; empty: its id is used
};

struct PaymentOrder {
  v1::FinanceParty payer;      // name, organisation number, bankgiro
  std::string execution_date;  // "YYYY-MM-DD"
  absl::Time created_at;       // CreDtTm, written in Stockholm time
};

struct PaymentFile {
  std::string xml;  // UTF-8; empty when no_file_reason is set
  std::vector<std::string> paid_statement_ids;
  int64_t total_ore = 0;  // the control sum
  std::vector<v1::NotPayable> not_payable;
  // Set, and xml empty, for a month with nothing to pay: every statement
  // is owed by its provider or has a zero total. Names the owed statements
  // and their sum; each is in not_payable with its amount.
  std::string no_file_reason;
};

// INVALID_ARGUMENT naming the field for a payer without name, organisation
// number or a valid bankgiro, or a bad execution date; FAILED_PRECONDITION
// if a statement is not an approved statement of `period`, if there is no
// statement, or if none is payable while one with something to pay is held
// back (no payment details, no F-tax approval; named in the message). A
// month with nothing to pay (every statement owed or zero) is no error: no
// xml, and no_file_reason says why (a pain.001 must have a transaction).
absl::StatusOr<PaymentFile> MonthPain001(const std::string& period,
                                         const PaymentOrder& order,
                                         const std::vector<Payee>& payees);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_PAIN001_H_
