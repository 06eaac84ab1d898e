// Settles a month the size of Stockholm's (about 20,000 clients, 1.5-2
// million visits) with the settlement domain in process, and in the same run
// has PostgreSQL compute the same totals by SQL over the same visits. Prints
// time and peak memory side by side and checks that every provider's total
// agrees to the öre. Not a test; see bench/run_settlement_bench.sh.
//
//   settlement_bench --pg="host=/tmp/x port=5439 user=postgres dbname=postgres"
//                    [--clients=20000] [--month=2024-03] [--threads=1,2]
//                    [--inputs=messages,rows] [--stream]
//
// The domain settles the month once per input form and thread count given,
// providers spread over the threads (the totals must come out the same
// each time). The visits are generated compactly (CompactVisit, 12 bytes
// each) and made into `Visit` messages or `VisitRow`s (statement.h) before
// the clock starts, or with --stream per provider while settling (a
// national month, --clients=240000 without --pg: peak memory is then the
// compact month plus a provider per thread).
//
// The data are generated deterministically (a fixed-seed splitmix64), so two
// runs settle the same visits. Scope of the comparison: hourly rates on
// performed time by band (day, evening, night, weekend, public holiday),
// double staffing, a rural supplement and VAT on one category; March 2024
// has the spring DST change and Easter (Good Friday 29 March, Easter Sunday
// 31 March, which is also the DST day).
#include <libpq-fe.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "bench_month.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/platform/swedish_holidays.h"
#include "lov/settlement/domain/period.h"
#include "lov/settlement/domain/rate_book.h"
#include "lov/settlement/domain/statement.h"

namespace {

namespace v1 = ::lov::settlement::v1;
using Clock = std::chrono::steady_clock;

using ::lov::bench::kFirstRuralZone;
using ::lov::bench::kInHouseProviders;
using ::lov::bench::kPrivateProviders;
using ::lov::bench::kZones;
using ::lov::bench::Rng;

struct Band {
  v1::Band band;
  const char* name;
  int64_t private_ore;
  int64_t in_house_ore;
};

struct CategorySpec {
  const char* id;
  std::vector<Band> bands;
  int64_t double_bp;
  int64_t rural_bp;
  int64_t vat_bp;
};

// Stockholm 2024 levels: 516 / 485 kr per hour by day for personal care.
const std::vector<CategorySpec>& Categories() {
  static const auto* specs = new std::vector<CategorySpec>{
      {"personal-care",
       {{v1::BAND_DAY, "DAY", 51600, 48500},
        {v1::BAND_EVENING, "EVENING", 60000, 56000},
        {v1::BAND_NIGHT, "NIGHT", 70000, 66000},
        {v1::BAND_WEEKEND, "WEEKEND", 65000, 61000},
        {v1::BAND_HOLIDAY, "HOLIDAY", 80000, 75000}},
       20000,
       1000,
       0},
      {"service",
       {{v1::BAND_DAY, "DAY", 41000, 39000},
        {v1::BAND_EVENING, "EVENING", 45000, 43000},
        {v1::BAND_NIGHT, "NIGHT", 50000, 48000},
        {v1::BAND_WEEKEND, "WEEKEND", 48000, 46000},
        {v1::BAND_HOLIDAY, "HOLIDAY", 55000, 53000}},
       15000,
       500,
       2500}};
  return *specs;
}

v1::RateTable Table() {
  v1::RateTable t;
  t.set_effective_date("2024-01-01");
  t.mutable_bands()->set_day_start_minute(7 * 60);
  t.mutable_bands()->set_evening_start_minute(18 * 60);
  t.mutable_bands()->set_night_start_minute(22 * 60);
  for (const CategorySpec& spec : Categories()) {
    v1::CategoryRate* c = t.add_categories();
    c->set_category_id(spec.id);
    c->set_model(v1::PAYMENT_MODEL_PERFORMED_HOURS);
    for (const Band& b : spec.bands) {
      v1::BandRate* r = c->add_band_rates();
      r->set_band(b.band);
      r->set_private_ore(b.private_ore);
      r->set_in_house_ore(b.in_house_ore);
    }
    c->set_double_staffing_basis_points(spec.double_bp);
    v1::ZoneSupplement* z = c->add_zone_supplements();
    z->set_area(v1::ZONE_AREA_RURAL);
    z->set_basis_points(spec.rural_bp);
    c->set_vat_basis_points(spec.vat_bp);
  }
  return t;
}

std::string ProviderId(int i) { return absl::StrFormat("prv-%03d", i); }
bool InHouse(int i) { return i >= kPrivateProviders; }
std::string ZoneId(int z) { return absl::StrFormat("zone-%02d", z); }

// One visit as the generator draws it, 12 bytes instead of a protobuf
// message of several hundred: a national month (18.6 M visits) is held in
// about 220 MiB and turned into `Visit` messages one provider at a time.
struct CompactVisit {
  int32_t client;
  uint16_t minute;  // of the Stockholm wall-clock day
  uint8_t day;      // 0-based day of the month
  uint8_t k;        // the client's k-th visit that day
  uint8_t length;   // minutes, 10-120
  uint8_t zone;
  uint8_t flags;
};
constexpr uint8_t kCare = 1, kDouble = 2, kAbsent = 4;

// The month's visits by provider, drawn in the same order as ever (so the
// totals are those of earlier runs and of bench_month.h's WalkMonth).
std::vector<std::vector<CompactVisit>> Generate(int clients,
                                                absl::CivilMonth month,
                                                size_t* count) {
  const int providers = kPrivateProviders + kInHouseProviders;
  std::vector<std::vector<CompactVisit>> by_provider(providers);
  Rng rng{20240301};
  const int days = lov::DaysInMonth(month);
  *count = 0;
  for (int c = 0; c < clients; ++c) {
    const int provider = rng.Below(providers);
    const int zone = rng.Below(kZones);
    for (int d = 0; d < days; ++d) {
      const int visits_today = rng.Below(6);  // 0-5, about 2.5 a day
      for (int k = 0; k < visits_today; ++k) {
        CompactVisit v{};
        v.client = c;
        v.day = static_cast<uint8_t>(d);
        v.k = static_cast<uint8_t>(k);
        v.zone = static_cast<uint8_t>(zone);
        if (rng.Below(10) < 7) v.flags |= kCare;
        v.minute = static_cast<uint16_t>(rng.Below(24 * 60));
        v.length = static_cast<uint8_t>(10 + rng.Below(111));
        if (rng.Below(100) < 5) v.flags |= kDouble;
        if (rng.Below(100) < 3) v.flags |= kAbsent;
        by_provider[provider].push_back(v);
        ++*count;
      }
    }
  }
  return by_provider;
}

// One provider's visits as the domain takes them (StatementInput::visits).
// The instant of every Stockholm wall-clock minute of the month
// (FromStockholm of each, worked out once): [day * 1440 + minute].
std::vector<absl::Time> MinuteInstants(absl::CivilMonth month) {
  std::vector<absl::Time> out;
  for (int d = 0; d < lov::DaysInMonth(month); ++d) {
    for (int m = 0; m < 24 * 60; ++m) {
      out.push_back(lov::FromStockholm(absl::CivilSecond(
          month.year(), month.month(), 1 + d, m / 60, m % 60, 0)));
    }
  }
  return out;
}

// The month as generated, with what making its visits needs.
struct Month {
  absl::CivilMonth month;
  std::vector<std::vector<CompactVisit>> by_provider;
  std::vector<absl::Time> minutes;  // MinuteInstants(month)
  absl::Time Start(const CompactVisit& c) const {
    return minutes[c.day * 24 * 60 + c.minute];
  }
};

// One provider's visits as the domain takes them (StatementInput::visits).
std::vector<lov::visits::v1::Visit> Materialize(int provider,
                                                const Month& data) {
  const std::vector<CompactVisit>& compact = data.by_provider[provider];
  const absl::CivilMonth month = data.month;
  std::vector<lov::visits::v1::Visit> out;
  out.reserve(compact.size());
  const std::string provider_id = ProviderId(provider);
  const std::string period = lov::FormatPeriod(month);
  for (const CompactVisit& c : compact) {
    lov::visits::v1::Visit& v = out.emplace_back();
    const std::string report =
        absl::StrFormat("%05d-%02d-%d", c.client, c.day, c.k);
    v.set_visit_id(provider_id + "/" + report);
    v.set_report_id(report);
    v.set_provider_id(provider_id);
    v.set_client_id(absl::StrFormat("client-%05d", c.client));
    v.set_category_id((c.flags & kCare) ? "personal-care" : "service");
    const absl::Time start = data.Start(c);
    const absl::Time end = start + absl::Minutes(c.length);
    *v.mutable_start() = lov::ToProtoTime(start);
    *v.mutable_end() = lov::ToProtoTime(end);
    v.set_double_staffing((c.flags & kDouble) != 0);
    v.set_status((c.flags & kAbsent)
                     ? lov::visits::v1::VISIT_STATUS_CLIENT_ABSENT
                     : lov::visits::v1::VISIT_STATUS_PERFORMED);
    v.set_zone_id(ZoneId(c.zone));
    v.set_period(period);
    v.set_version(1);
  }
  return out;
}

// One provider's visits as rows (StatementInput::visit_rows), the compact
// form the domain takes: the rows view `text`, which holds their visit and
// client ids (category and zone ids are the few shared strings below).
struct ProviderRows {
  std::string text;
  std::vector<lov::settlement::VisitRow> rows;
};
ProviderRows RowsOf(int provider, const Month& data) {
  static const std::string kCareId = "personal-care";
  static const std::string kServiceId = "service";
  static const auto* kZoneIds = [] {
    auto* zones = new std::vector<std::string>;
    for (int z = 0; z < kZones; ++z) zones->push_back(ZoneId(z));
    return zones;
  }();
  const std::vector<CompactVisit>& compact = data.by_provider[provider];
  const std::string provider_id = ProviderId(provider);
  ProviderRows out;
  out.text.reserve(compact.size() * 32);
  std::vector<uint32_t> ends;  // where each visit id and client id ends
  ends.reserve(compact.size() * 2);
  char buffer[64];
  for (const CompactVisit& c : compact) {
    int n = std::snprintf(buffer, sizeof buffer, "%s/%05d-%02d-%d",
                          provider_id.c_str(), c.client, c.day, c.k);
    out.text.append(buffer, n);
    ends.push_back(static_cast<uint32_t>(out.text.size()));
    n = std::snprintf(buffer, sizeof buffer, "client-%05d", c.client);
    out.text.append(buffer, n);
    ends.push_back(static_cast<uint32_t>(out.text.size()));
  }
  const absl::string_view text = out.text;
  out.rows.reserve(compact.size());
  uint32_t at = 0;
  for (size_t i = 0; i < compact.size(); ++i) {
    const CompactVisit& c = compact[i];
    const uint32_t id_end = ends[2 * i], client_end = ends[2 * i + 1];
    const absl::Time start = data.Start(c);
    out.rows.push_back({.visit_id = text.substr(at, id_end - at),
                        .version = 1,
                        .performed = (c.flags & kAbsent) == 0,
                        .start = start,
                        .end = start + absl::Minutes(c.length),
                        .category_id = (c.flags & kCare) ? kCareId : kServiceId,
                        .zone_id = (*kZoneIds)[c.zone],
                        .client_id = text.substr(id_end, client_end - id_end),
                        .double_staffing = (c.flags & kDouble) != 0});
    at = client_end;
  }
  return out;
}

// Peak resident memory of a process since the last reset, in MiB; -1 if
// unreadable. Writing "5" to clear_refs resets the peak (Linux).
double PeakRssMiB(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stod(line.substr(6)) / 1024.0;
    }
  }
  return -1;
}
bool ResetPeakRss(const std::string& pid) {
  std::ofstream out("/proc/" + pid + "/clear_refs");
  out << "5";
  return static_cast<bool>(out);
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

bool Exec(PGconn* pg, const std::string& sql) {
  PGresult* r = PQexec(pg, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
                  PQresultStatus(r) == PGRES_TUPLES_OK ||
                  PQresultStatus(r) == PGRES_COPY_IN;
  if (!ok)
    std::fprintf(stderr, "SQL failed: %s\n%s\n", PQerrorMessage(pg),
                 sql.c_str());
  PQclear(r);
  return ok;
}

constexpr char kSchema[] = R"sql(
SET client_min_messages = warning;
DROP TABLE IF EXISTS visits, providers, zones, holidays, rates, categories, segments;
CREATE UNLOGGED TABLE visits (visit_id text, provider_id text, category_id text,
  zone_id text, start_at timestamptz, end_at timestamptz,
  double_staffing boolean, performed boolean);
CREATE TABLE providers (provider_id text PRIMARY KEY, in_house boolean);
CREATE TABLE zones (zone_id text PRIMARY KEY, rural boolean);
CREATE TABLE holidays (day date PRIMARY KEY);
CREATE TABLE categories (category_id text PRIMARY KEY, double_bp bigint,
  rural_bp bigint, vat_bp bigint);
CREATE TABLE rates (category_id text, band text, private_ore bigint,
  in_house_ore bigint, PRIMARY KEY (category_id, band));
-- Weekday bands by Stockholm wall clock: night < 07:00 <= day < 18:00 <=
-- evening < 22:00 <= night.
CREATE TABLE segments (band text, t_start interval, t_end interval);
INSERT INTO segments VALUES ('NIGHT', '0 hours', '7 hours'),
  ('DAY', '7 hours', '18 hours'), ('EVENING', '18 hours', '22 hours'),
  ('NIGHT', '22 hours', '24 hours');
)sql";

// The same rules in SQL: cut every visit at local midnights and band
// boundaries, band by holiday > weekend > time of day, group like the
// statement lines, round each line once half away from zero (numeric
// round), VAT on each provider's category net.
constexpr char kTotalsSql[] = R"sql(
WITH pieces AS (
  SELECT v.provider_id, v.category_id, v.zone_id, v.double_staffing,
    CASE WHEN h.day IS NOT NULL THEN 'HOLIDAY'
         WHEN extract(isodow FROM g.d) >= 6 THEN 'WEEKEND'
         ELSE s.band END AS band,
    extract(epoch FROM
      least(v.end_at, (g.d + s.t_end) AT TIME ZONE 'Europe/Stockholm') -
      greatest(v.start_at, (g.d + s.t_start) AT TIME ZONE 'Europe/Stockholm'))::bigint AS seconds
  FROM visits v
  CROSS JOIN LATERAL generate_series(
      (v.start_at AT TIME ZONE 'Europe/Stockholm')::date,
      ((v.end_at - interval '1 microsecond') AT TIME ZONE 'Europe/Stockholm')::date,
      interval '1 day') AS gs(t)
  CROSS JOIN LATERAL (SELECT gs.t::date AS d) g
  CROSS JOIN segments s
  LEFT JOIN holidays h ON h.day = g.d
  WHERE v.performed AND v.end_at > v.start_at
), grouped AS (
  SELECT provider_id, category_id, zone_id, band,
         sum(seconds) AS secs,
         sum(CASE WHEN double_staffing THEN seconds ELSE 0 END) AS dsecs
  FROM pieces WHERE seconds > 0
  GROUP BY provider_id, category_id, zone_id, band
), lines AS (
  SELECT g.provider_id, g.category_id,
    round((CASE WHEN p.in_house THEN r.in_house_ore ELSE r.private_ore END)::numeric
          * g.secs / 3600) AS base,
    CASE WHEN g.dsecs > 0 AND c.double_bp > 10000 THEN
      round((CASE WHEN p.in_house THEN r.in_house_ore ELSE r.private_ore END)::numeric
            * g.dsecs * (c.double_bp - 10000) / 36000000) ELSE 0 END AS double_staff,
    CASE WHEN z.rural AND c.rural_bp > 0 THEN
      round((CASE WHEN p.in_house THEN r.in_house_ore ELSE r.private_ore END)::numeric
            * g.secs * c.rural_bp / 36000000) ELSE 0 END AS rural
  FROM grouped g
  JOIN providers p USING (provider_id)
  JOIN categories c USING (category_id)
  JOIN zones z USING (zone_id)
  JOIN rates r ON r.category_id = g.category_id AND r.band = g.band
), category_net AS (
  SELECT provider_id, category_id, sum(base + double_staff + rural) AS net
  FROM lines GROUP BY provider_id, category_id
)
SELECT n.provider_id,
       sum(n.net + CASE WHEN c.vat_bp > 0 THEN round(n.net * c.vat_bp / 10000) ELSE 0 END)::bigint
FROM category_net n JOIN categories c USING (category_id)
GROUP BY n.provider_id ORDER BY n.provider_id
)sql";

// What settling every provider of the month gave.
struct Settled {
  std::vector<int64_t> totals;  // by provider index
  size_t lines = 0;
  double seconds = 0;
  std::string error;  // the first failure, if any
};

// The visits the domain is given, by provider: as messages
// (StatementInput::visits) or as rows (visit_rows); held, made before the
// clock starts, or made per provider while settling (--stream).
struct Input {
  bool rows = false;
  bool stream = false;
  std::vector<std::vector<lov::visits::v1::Visit>> messages;  // held
  std::vector<ProviderRows> row_sets;                         // held
};

// Settles every provider's month on `threads` threads, each taking the next
// provider nobody has taken (as a month-end run over providers would).
// Held visits are moved into the input and back; streamed ones are made by
// the thread settling the provider and dropped after (memory: a provider at
// a time per thread, not the month).
Settled SettleAll(int threads, const Month& data, Input& input,
                  const lov::settlement::RateBook& book,
                  const std::map<std::string, v1::ZoneArea>& areas) {
  const size_t providers = data.by_provider.size();
  Settled out;
  out.totals.assign(providers, 0);
  std::vector<size_t> lines(providers, 0);
  std::vector<std::string> errors(providers);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t p = next++; p < providers; p = next++) {
      const int provider = static_cast<int>(p);
      lov::settlement::StatementInput in;
      in.provider_id = ProviderId(provider);
      in.period = data.month;
      in.in_house = InHouse(provider);
      in.rates = &book;
      in.zone_areas = areas;
      ProviderRows made;
      absl::StatusOr<v1::Statement> s;
      if (input.rows) {
        ProviderRows& r =
            input.stream ? (made = RowsOf(provider, data)) : input.row_sets[p];
        in.visit_rows = std::move(r.rows);
        s = lov::settlement::BuildStatement(in);
        r.rows = std::move(in.visit_rows);
      } else {
        in.visits = input.stream ? Materialize(provider, data)
                                 : std::move(input.messages[p]);
        s = lov::settlement::BuildStatement(in);
        if (!input.stream) input.messages[p] = std::move(in.visits);
      }
      if (!s.ok()) {
        errors[p] = std::string(s.status().message());
        continue;
      }
      out.totals[p] = s->total_ore();
      lines[p] = s->lines_size();
    }
  };
  const auto t0 = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  out.seconds = Seconds(t0);
  for (size_t p = 0; p < providers; ++p) {
    out.lines += lines[p];
    if (out.error.empty()) out.error = errors[p];
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int clients = 20000;
  std::string month_text = "2024-03";
  std::string conninfo;
  bool stream = false;
  std::vector<int> thread_counts = {1, 2};
  std::vector<std::string> inputs = {"messages", "rows"};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--clients=", 0) == 0) clients = std::stoi(arg.substr(10));
    if (arg.rfind("--month=", 0) == 0) month_text = arg.substr(8);
    if (arg.rfind("--pg=", 0) == 0) conninfo = arg.substr(5);
    if (arg == "--stream") stream = true;
    if (arg.rfind("--inputs=", 0) == 0) {
      inputs = absl::StrSplit(arg.substr(9), ',');
      for (const std::string& kind : inputs) {
        if (kind != "messages" && kind != "rows") {
          std::fprintf(stderr, "--inputs= takes messages,rows\n");
          return 2;
        }
      }
    }
    if (arg.rfind("--threads=", 0) == 0) {
      thread_counts.clear();
      for (absl::string_view t : absl::StrSplit(arg.substr(10), ',')) {
        int n = 0;
        if (!absl::SimpleAtoi(t, &n) || n < 1) {
          std::fprintf(stderr, "--threads= takes counts like 1,2\n");
          return 2;
        }
        thread_counts.push_back(n);
      }
    }
  }
  absl::StatusOr<absl::CivilMonth> month = lov::ParsePeriod(month_text);
  if (!month.ok()) {
    std::fprintf(stderr, "%s\n", std::string(month.status().message()).c_str());
    return 2;
  }

  auto t0 = Clock::now();
  size_t count = 0;
  Month data{*month, Generate(clients, *month, &count), MinuteInstants(*month)};
  std::printf(
      "generated %zu visits for %d clients, %d providers, %s in %.1f s\n",
      count, clients, kPrivateProviders + kInHouseProviders, month_text.c_str(),
      Seconds(t0));
  // The process's peak over the whole run, read before each reset.
  double whole_peak = 0;
  auto note_peak = [&] {
    whole_peak = std::max(whole_peak, PeakRssMiB("self"));
  };

  // Held (default): every visit made into its message (or row) before the
  // clock starts. --stream: made per provider while settling (counted in
  // the domain's time), for months too large to hold as messages.
  Input messages{.rows = false, .stream = stream};
  Input rows{.rows = true, .stream = stream};
  for (const std::string& kind : inputs) {
    if (stream) break;
    t0 = Clock::now();
    for (int p = 0; p < static_cast<int>(data.by_provider.size()); ++p) {
      if (kind == "rows") {
        rows.row_sets.push_back(RowsOf(p, data));
      } else {
        messages.messages.push_back(Materialize(p, data));
      }
    }
    std::printf("visits made into %s before settling in %.1f s\n", kind.c_str(),
                Seconds(t0));
  }

  // ---- in process: the settlement domain, once per thread count.
  std::map<std::string, v1::ZoneArea> areas;
  for (int z = 0; z < kZones; ++z) {
    areas[ZoneId(z)] =
        z >= kFirstRuralZone ? v1::ZONE_AREA_RURAL : v1::ZONE_AREA_URBAN;
  }
  const lov::settlement::RateBook book({Table()});
  struct Run {
    std::string input;
    int threads;
    double seconds;
    double peak;
  };
  std::vector<Run> runs;
  std::vector<int64_t> first_totals;
  bool reset_self = true;
  size_t lines = 0;
  for (const std::string& kind : inputs) {
    for (int threads : thread_counts) {
      note_peak();
      reset_self = ResetPeakRss("self") && reset_self;
      const Settled settled = SettleAll(
          threads, data, kind == "rows" ? rows : messages, book, areas);
      if (!settled.error.empty()) {
        std::fprintf(stderr, "%s\n", settled.error.c_str());
        return 1;
      }
      runs.push_back({kind, threads, settled.seconds, PeakRssMiB("self")});
      if (first_totals.empty()) {
        first_totals = settled.totals;
        lines = settled.lines;
      } else if (settled.totals != first_totals || settled.lines != lines) {
        std::printf("MISMATCH: %s on %d threads settled other totals\n",
                    kind.c_str(), threads);
        return 1;
      }
      std::printf("domain, %s, %d thread%s: %.2f s%s\n", kind.c_str(), threads,
                  threads == 1 ? "" : "s", settled.seconds,
                  stream ? " (made per provider inside)" : "");
    }
  }
  note_peak();
  std::map<std::string, int64_t> domain_totals;
  int64_t domain_sum = 0;
  for (size_t p = 0; p < first_totals.size(); ++p) {
    domain_totals[ProviderId(static_cast<int>(p))] = first_totals[p];
    domain_sum += first_totals[p];
  }
  std::printf("domain: %zu statements, %zu lines, total %s kr\n",
              domain_totals.size(), lines,
              lov::Money::FromOre(domain_sum).ToDecimalString().c_str());
  // "settlement domain (C++)": messages on one thread, the figure of the
  // earlier runs (bench/run_bench.sh reads it).
  auto run_label = [](const Run& r) {
    return r.input == "messages" && r.threads == 1
               ? std::string("settlement domain (C++)")
               : absl::StrFormat("domain, %s, %d thread%s", r.input, r.threads,
                                 r.threads == 1 ? "" : "s");
  };

  if (conninfo.empty()) {
    for (const Run& r : runs) {
      std::printf("%-28s %8.2f s  peak RSS %.0f MiB (%s)\n",
                  run_label(r).c_str(), r.seconds, r.peak,
                  reset_self ? "reset before settling" : "whole run");
    }
    std::printf("process peak RSS over the whole run: %.0f MiB (%s input)\n",
                whole_peak, stream ? "compact, streamed" : "held");
    return 0;
  }

  // ---- PostgreSQL: the same totals by SQL.
  PGconn* pg = PQconnectdb(conninfo.c_str());
  if (PQstatus(pg) != CONNECTION_OK) {
    std::fprintf(stderr, "cannot connect to PostgreSQL: %s\n",
                 PQerrorMessage(pg));
    return 1;
  }
  if (!Exec(pg, kSchema)) return 1;
  std::string setup;
  for (int p = 0; p < kPrivateProviders + kInHouseProviders; ++p) {
    absl::StrAppend(&setup, "INSERT INTO providers VALUES ('", ProviderId(p),
                    "', ", InHouse(p) ? "true" : "false", ");\n");
  }
  for (const auto& [zone, area] : areas) {
    absl::StrAppend(&setup, "INSERT INTO zones VALUES ('", zone, "', ",
                    area == v1::ZONE_AREA_RURAL ? "true" : "false", ");\n");
  }
  // The holiday calendar is reference data here (the SQL does not compute
  // Easter); the band rules are computed by the SQL itself.
  for (absl::CivilDay d = absl::CivilDay(*month) - 1;
       d <= absl::CivilDay(*month + 1); ++d) {
    if (lov::IsPublicHoliday(d)) {
      absl::StrAppend(&setup, "INSERT INTO holidays VALUES ('",
                      lov::FormatDate(d), "');\n");
    }
  }
  for (const CategorySpec& spec : Categories()) {
    absl::StrAppend(&setup, "INSERT INTO categories VALUES ('", spec.id, "', ",
                    spec.double_bp, ", ", spec.rural_bp, ", ", spec.vat_bp,
                    ");\n");
    for (const Band& b : spec.bands) {
      absl::StrAppend(&setup, "INSERT INTO rates VALUES ('", spec.id, "', '",
                      b.name, "', ", b.private_ore, ", ", b.in_house_ore,
                      ");\n");
    }
  }
  if (!Exec(pg, setup)) return 1;

  t0 = Clock::now();
  if (!Exec(pg, "COPY visits FROM STDIN")) return 1;
  std::string buffer;
  for (size_t p = 0; p < data.by_provider.size(); ++p) {
    const auto visits = messages.messages.size() > p
                            ? std::move(messages.messages[p])
                            : Materialize(static_cast<int>(p), data);
    for (const auto& v : visits) {
      absl::StrAppend(
          &buffer, v.visit_id(), "\t", v.provider_id(), "\t", v.category_id(),
          "\t", v.zone_id(), "\t",
          lov::FormatRfc3339Utc(lov::FromProtoTime(v.start())), "\t",
          lov::FormatRfc3339Utc(lov::FromProtoTime(v.end())), "\t",
          v.double_staffing() ? "t" : "f", "\t",
          v.status() == lov::visits::v1::VISIT_STATUS_PERFORMED ? "t" : "f",
          "\n");
      if (buffer.size() > (1 << 20)) {
        PQputCopyData(pg, buffer.data(), static_cast<int>(buffer.size()));
        buffer.clear();
      }
    }
  }
  PQputCopyData(pg, buffer.data(), static_cast<int>(buffer.size()));
  PQputCopyEnd(pg, nullptr);
  PGresult* copied = PQgetResult(pg);
  if (PQresultStatus(copied) != PGRES_COMMAND_OK) {
    std::fprintf(stderr, "COPY failed: %s\n", PQerrorMessage(pg));
    return 1;
  }
  PQclear(copied);
  while (PGresult* r = PQgetResult(pg)) PQclear(r);
  if (!Exec(pg, "ANALYZE visits")) return 1;
  const double load_seconds = Seconds(t0);

  // One backend, no parallel workers (the domain run is one thread too),
  // enough work_mem to aggregate in memory.
  if (!Exec(pg,
            "SET max_parallel_workers_per_gather = 0; SET work_mem = '1GB'")) {
    return 1;
  }
  PGresult* pid_result = PQexec(pg, "SELECT pg_backend_pid()");
  const std::string backend = PQgetvalue(pid_result, 0, 0);
  PQclear(pid_result);
  const bool reset_backend = ResetPeakRss(backend);
  t0 = Clock::now();
  PGresult* totals = PQexec(pg, kTotalsSql);
  const double sql_seconds = Seconds(t0);
  const double sql_peak = PeakRssMiB(backend);
  if (PQresultStatus(totals) != PGRES_TUPLES_OK) {
    std::fprintf(stderr, "totals query failed: %s\n", PQerrorMessage(pg));
    return 1;
  }
  std::map<std::string, int64_t> sql_totals;
  int64_t sql_sum = 0;
  for (int i = 0; i < PQntuples(totals); ++i) {
    const int64_t ore = std::stoll(PQgetvalue(totals, i, 1));
    sql_totals[PQgetvalue(totals, i, 0)] = ore;
    sql_sum += ore;
  }
  PQclear(totals);
  PQfinish(pg);

  int mismatches = 0;
  for (const auto& [provider, ore] : domain_totals) {
    auto it = sql_totals.find(provider);
    const int64_t other = it == sql_totals.end() ? 0 : it->second;
    if (other != ore) {
      if (++mismatches <= 5) {
        std::printf("MISMATCH %s: domain %lld öre, SQL %lld öre\n",
                    provider.c_str(), static_cast<long long>(ore),
                    static_cast<long long>(other));
      }
    }
  }
  if (sql_totals.size() != domain_totals.size()) ++mismatches;

  std::printf("\n%-28s %12s %16s %22s\n", "", "time (s)", "peak RSS (MiB)",
              "total (öre)");
  for (const Run& r : runs) {
    std::printf("%-28s %12.2f %16.0f %22lld\n", run_label(r).c_str(), r.seconds,
                r.peak, static_cast<long long>(domain_sum));
  }
  std::printf("%-28s %12.2f %16.0f %22lld\n", "PostgreSQL 1 backend (SQL)",
              sql_seconds, sql_peak, static_cast<long long>(sql_sum));
  std::printf("%-28s %12.2f\n", "PostgreSQL COPY + ANALYZE", load_seconds);
  for (const Run& r : runs) {
    if (r.input == "messages" && r.threads == 1) {
      std::printf("ratio SQL / domain: %.1fx time\n", sql_seconds / r.seconds);
    } else {
      std::printf("ratio SQL / %s: %.1fx time (SQL on 1 backend)\n",
                  run_label(r).c_str(), sql_seconds / r.seconds);
    }
  }
  note_peak();
  std::printf(
      "peak RSS: domain %s (includes the %s visits), SQL backend %s; "
      "process peak over the whole run %.0f MiB\n",
      reset_self ? "reset before settling" : "whole run",
      stream ? "compact" : "held",
      reset_backend ? "reset before the query" : "since connect", whole_peak);
  std::printf("per-provider totals agree to the öre: %s (%zu providers)\n",
              mismatches == 0 ? "YES" : "NO", domain_totals.size());
  return mismatches == 0 ? 0 : 1;
}
