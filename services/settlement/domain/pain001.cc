#include "lov/settlement/domain/pain001.h"

#include <algorithm>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/money.h"
#include "lov/platform/stockholm_time.h"
#include "lov/settlement/domain/checked_sum.h"
#include "lov/settlement/domain/sie4.h"
#include "lov/settlement/domain/xml_text.h"

namespace lov::settlement {
namespace {

std::string Digits(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) out += c;
  }
  return out;
}

// How many statements the message of a month without a file names (all of
// them are in not_payable).
constexpr size_t kNamedInMessage = 10;

constexpr char kOwedByTheProvider[] =
    "total is negative: the provider owes the municipality (its Peppol "
    "export is a self-billed credit note); set it off against a later "
    "payment, never a transfer in this file";

std::string Kronor(int64_t ore) {
  return Money::FromOre(ore).ToDecimalString();
}

// Why a statement cannot be paid by this file, "" if it can.
std::string NotPayableReason(const Payee& p) {
  if (p.statement.total_ore() < 0) return kOwedByTheProvider;
  if (!p.details.has_value()) return "no payment details in the registry";
  if (p.details->must_not_pay_gross() ||
      p.details->f_tax() != registry::v1::F_TAX_STATUS_APPROVED) {
    return "must not be paid gross (no F-tax approval): withhold preliminary "
           "tax and pay it outside this file";
  }
  if (p.details->bankgiro().empty() && p.details->plusgiro().empty()) {
    return "no bankgiro or plusgiro in the payment details";
  }
  if (p.statement.total_ore() <= 0) return "total is not positive";
  return "";
}

std::string CreditorAgent(const registry::v1::PaymentDetails& d) {
  if (!d.bankgiro().empty()) {
    return absl::StrCat(
        "<CdtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>SESBA</Cd>"
        "</ClrSysId><MmbId>9900</MmbId></ClrSysMmbId></FinInstnId>"
        "</CdtrAgt>",
        "\n        ");
  }
  return absl::StrCat(
      "<CdtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>SESBA</Cd>"
      "</ClrSysId><MmbId>9960</MmbId></ClrSysMmbId></FinInstnId>"
      "</CdtrAgt>",
      "\n        ");
}

std::string CreditorAccountId(const registry::v1::PaymentDetails& d) {
  if (!d.bankgiro().empty()) {
    return absl::StrCat("<CdtrAcct><Id><Othr><Id>", Digits(d.bankgiro()),
                        "</Id><SchmeNm><Prtry>BGNR</Prtry></SchmeNm></Othr>"
                        "</Id></CdtrAcct>");
  }
  return absl::StrCat("<CdtrAcct><Id><Othr><Id>", Digits(d.plusgiro()),
                      "</Id><SchmeNm><Cd>BBAN</Cd></SchmeNm></Othr></Id>"
                      "</CdtrAcct>");
}

// The payer's account: its bankgiro (scheme BGNR), or without one its
// plusgiro (BBAN), from <Othr><Id> up to </SchmeNm>.
std::string DebtorAccount(const v1::FinanceParty& payer) {
  if (payer.bankgiro().empty() && !payer.plusgiro().empty()) {
    return absl::StrCat(Digits(payer.plusgiro()),
                        "</Id><SchmeNm><Cd>BBAN</Cd></SchmeNm>");
  }
  return absl::StrCat(Digits(payer.bankgiro()),
                      "</Id><SchmeNm><Prtry>BGNR</Prtry></SchmeNm>");
}

absl::Status CheckOrder(const PaymentOrder& order) {
  if (absl::Status s = ValidateFinanceParty(order.payer, "municipality");
      !s.ok()) {
    return s;
  }
  if (order.payer.bankgiro().empty() && !order.payer.plusgiro().empty()) {
    const std::string pg = Digits(order.payer.plusgiro());
    if (pg.size() < 2 || pg.size() > 8 || !LuhnValid(pg)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "municipality.plusgiro: \"", order.payer.plusgiro(),
          "\" is not a plusgiro number (2-8 digits, the last a check "
          "digit)"));
    }
  } else {
    const std::string bg = Digits(order.payer.bankgiro());
    if (bg.size() < 7 || bg.size() > 8 || !LuhnValid(bg)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "municipality.bankgiro: \"", order.payer.bankgiro(),
          "\" is not a bankgiro number (7-8 digits, the last a check "
          "digit)"));
    }
  }
  absl::CivilDay day;
  if (order.execution_date.size() != 10 ||
      !absl::ParseCivilTime(order.execution_date, &day)) {
    return absl::InvalidArgumentError(
        absl::StrCat("execution_date: \"", order.execution_date,
                     "\" is not a date YYYY-MM-DD"));
  }
  const std::string& bic = order.payer.bic();
  if (!bic.empty() && (bic.size() != 8 && bic.size() != 11)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "municipality.bic: \"", bic, "\" is not a BIC (8 or 11 characters)"));
  }
  return absl::OkStatus();
}

// "1129.75" for -112975 öre: what a provider owes, without the sign.
std::string Owed(int64_t ore) {
  std::string text = Kronor(ore);
  if (!text.empty() && text[0] == '-') text.erase(0, 1);
  return text;
}

// A month in which no statement is payable. When every statement is owed
// by its provider or has a zero total there is nothing to pay: no file (a
// pain.001 needs a transfer) but the notice naming the owed statements and
// what they come to. When a statement with something to pay is held back
// (payment details, F-tax) or there is no statement at all, there is no
// month to close yet: FAILED_PRECONDITION naming those held back.
absl::StatusOr<PaymentFile> NothingToPay(const std::string& period,
                                         PaymentFile file) {
  std::vector<std::string> held;
  std::vector<std::string> owed;
  int64_t owed_ore = 0;
  int zero = 0;
  for (const v1::NotPayable& n : file.not_payable) {
    if (n.total_ore() > 0) {
      if (held.size() < kNamedInMessage) {
        held.push_back(absl::StrCat(n.statement_id(), " (", n.reason(), ")"));
      }
    } else if (n.total_ore() < 0) {
      if (absl::Status sum =
              AddOre(n.total_ore(), &owed_ore,
                     absl::StrCat("payment file of ", period, ": owed sum"));
          !sum.ok()) {
        return sum;
      }
      if (owed.size() < kNamedInMessage) {
        owed.push_back(absl::StrCat(n.statement_id(), " owes ",
                                    Owed(n.total_ore()), " kr"));
      }
    } else {
      ++zero;
    }
  }
  if (file.not_payable.empty() || !held.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no statement of ", period, " is payable (", file.not_payable.size(),
        " not payable): a payment file needs at least one transfer",
        held.empty() ? "" : "; held back: ", absl::StrJoin(held, ", ")));
  }
  const size_t owed_count = file.not_payable.size() - static_cast<size_t>(zero);
  std::string notice =
      absl::StrCat("no payment file for ", period,
                   ": nothing to pay (a pain.001 needs at least one transfer)");
  if (owed_count > 0) {
    absl::StrAppend(&notice, "; ", owed_count,
                    " statement(s) owed to the municipality, ", Owed(owed_ore),
                    " kr in total, to set off against later payments: ",
                    absl::StrJoin(owed, ", "));
    if (owed_count > owed.size()) {
      absl::StrAppend(&notice, " and ", owed_count - owed.size(), " more");
    }
  }
  if (zero > 0) {
    absl::StrAppend(&notice, "; ", zero, " statement(s) with a zero total");
  }
  file.no_file_reason = std::move(notice);
  return file;
}

}  // namespace

absl::StatusOr<PaymentFile> MonthPain001(const std::string& period,
                                         const PaymentOrder& order,
                                         const std::vector<Payee>& payees) {
  if (absl::Status s = CheckOrder(order); !s.ok()) return s;
  std::vector<const Payee*> sorted;
  for (const Payee& p : payees) {
    if (p.statement.status() != v1::STATEMENT_STATUS_APPROVED ||
        p.statement.period() != period) {
      return absl::FailedPreconditionError(
          absl::StrCat("statement ", p.statement.statement_id(),
                       ": not an approved statement of ", period));
    }
    sorted.push_back(&p);
  }
  absl::c_sort(sorted, [](const Payee* a, const Payee* b) {
    return a->statement.statement_id() < b->statement.statement_id();
  });
  PaymentFile file;
  std::string txs;
  int count = 0;
  for (const Payee* p : sorted) {
    const v1::Statement& s = p->statement;
    if (std::string reason = NotPayableReason(*p); !reason.empty()) {
      v1::NotPayable* n = &file.not_payable.emplace_back();
      n->set_provider_id(s.provider_id());
      n->set_statement_id(s.statement_id());
      n->set_total_ore(s.total_ore());
      n->set_reason(reason);
      continue;
    }
    ++count;
    if (absl::Status sum =
            AddOre(s.total_ore(), &file.total_ore,
                   absl::StrCat("payment file of ", period, ": control sum"));
        !sum.ok()) {
      return sum;
    }
    file.paid_statement_ids.push_back(s.statement_id());
    const std::string name = p->name.empty() ? s.provider_id() : p->name;
    absl::StrAppend(
        &txs, "      <CdtTrfTxInf>\n        <PmtId><InstrId>", count,
        "</InstrId><EndToEndId>", XmlText(s.statement_id(), 35),
        "</EndToEndId></PmtId>\n        <Amt><InstdAmt Ccy=\"SEK\">",
        Kronor(s.total_ore()), "</InstdAmt></Amt>\n        ",
        CreditorAgent(*p->details), "<Cdtr><Nm>", XmlText(name, 70),
        "</Nm></Cdtr>\n        ", CreditorAccountId(*p->details),
        "\n        <RmtInf><Ustrd>",
        XmlText(absl::StrCat("Ersättning LOV ", period, " ", s.statement_id()),
                140),
        "</Ustrd></RmtInf>\n      </CdtTrfTxInf>\n");
  }
  if (count == 0) return NothingToPay(period, std::move(file));
  const std::string created =
      absl::FormatTime("%Y-%m-%dT%H:%M:%S", order.created_at, StockholmZone());
  const std::string msg_id = absl::StrCat(
      "LOV-", period, "-",
      absl::FormatTime("%Y%m%d%H%M%S", order.created_at, StockholmZone()));
  const std::string org = Digits(order.payer.organisation_number());
  const std::string payer_name = XmlText(order.payer.name(), 70);
  const std::string agent =
      order.payer.bic().empty()
          ? "<FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId>"
          : absl::StrCat("<FinInstnId><BIC>", XmlText(order.payer.bic(), 11),
                         "</BIC></FinInstnId>");
  std::string xml = absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\">\n"
      "  <CstmrCdtTrfInitn>\n    <GrpHdr>\n      <MsgId>",
      msg_id, "</MsgId>\n      <CreDtTm>", created,
      "</CreDtTm>\n      <NbOfTxs>", count, "</NbOfTxs>\n      <CtrlSum>",
      Kronor(file.total_ore), "</CtrlSum>\n      <InitgPty><Nm>", payer_name,
      "</Nm><Id><OrgId><Othr><Id>", org,
      "</Id></Othr></OrgId></Id></InitgPty>\n    </GrpHdr>\n    <PmtInf>\n"
      "      <PmtInfId>",
      msg_id, "-1</PmtInfId>\n      <PmtMtd>TRF</PmtMtd>\n      <NbOfTxs>",
      count, "</NbOfTxs>\n      <CtrlSum>", Kronor(file.total_ore),
      "</CtrlSum>\n      <PmtTpInf><SvcLvl><Cd>NURG</Cd></SvcLvl></PmtTpInf>\n"
      "      <ReqdExctnDt>",
      order.execution_date, "</ReqdExctnDt>\n      <Dbtr><Nm>", payer_name,
      "</Nm><Id><OrgId><Othr><Id>", org,
      "</Id></Othr></OrgId></Id></Dbtr>\n      <DbtrAcct><Id><Othr><Id>",
      DebtorAccount(order.payer),
      "</Othr></Id><Ccy>SEK</Ccy></DbtrAcct>\n      <DbtrAgt>", agent,
      "</DbtrAgt>\n", txs,
      "    </PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>\n");
  file.xml = std::move(xml);
  return file;
}

}  // namespace lov::settlement
