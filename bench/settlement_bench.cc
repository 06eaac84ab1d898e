// Settles a month the size of Stockholm's (about 20,000 clients, 1.5-2
// million visits) with the settlement domain in process, and in the same run
// has PostgreSQL compute the same totals by SQL over the same visits. Prints
// time and peak memory side by side and checks that every provider's total
// agrees to the öre. Not a test; see bench/run_settlement_bench.sh.
//
//   settlement_bench --pg="host=/tmp/x port=5439 user=postgres dbname=postgres"
//                    [--clients=20000] [--month=2024-03]
//
// The data are generated deterministically (a fixed-seed splitmix64), so two
// runs settle the same visits. Scope of the comparison: hourly rates on
// performed time by band (day, evening, night, weekend, public holiday),
// double staffing, a rural supplement and VAT on one category; March 2024
// has the spring DST change and Easter (Good Friday 29 March, Easter Sunday
// 31 March, which is also the DST day).
#include <libpq-fe.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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

std::vector<std::vector<lov::visits::v1::Visit>> Generate(
    int clients, absl::CivilMonth month, size_t* count) {
  const int providers = kPrivateProviders + kInHouseProviders;
  std::vector<std::vector<lov::visits::v1::Visit>> by_provider(providers);
  Rng rng{20240301};
  const int days = lov::DaysInMonth(month);
  *count = 0;
  for (int c = 0; c < clients; ++c) {
    const int provider = rng.Below(providers);
    const int zone = rng.Below(kZones);
    const std::string client = absl::StrFormat("client-%05d", c);
    for (int d = 0; d < days; ++d) {
      const int visits_today = rng.Below(6);  // 0-5, about 2.5 a day
      for (int k = 0; k < visits_today; ++k) {
        lov::visits::v1::Visit v;
        const std::string report = absl::StrFormat("%05d-%02d-%d", c, d, k);
        v.set_visit_id(ProviderId(provider) + "/" + report);
        v.set_report_id(report);
        v.set_provider_id(ProviderId(provider));
        v.set_client_id(client);
        v.set_category_id(rng.Below(10) < 7 ? "personal-care" : "service");
        const int minute = rng.Below(24 * 60);
        const absl::CivilSecond wall(month.year(), month.month(), 1 + d,
                                     minute / 60, minute % 60, 0);
        const absl::Time start = lov::FromStockholm(wall);
        const absl::Time end = start + absl::Minutes(10 + rng.Below(111));
        *v.mutable_start() = lov::ToProtoTime(start);
        *v.mutable_end() = lov::ToProtoTime(end);
        v.set_double_staffing(rng.Below(100) < 5);
        v.set_status(rng.Below(100) < 3
                         ? lov::visits::v1::VISIT_STATUS_CLIENT_ABSENT
                         : lov::visits::v1::VISIT_STATUS_PERFORMED);
        v.set_zone_id(ZoneId(zone));
        v.set_period(lov::FormatPeriod(month));
        v.set_version(1);
        by_provider[provider].push_back(std::move(v));
        ++*count;
      }
    }
  }
  return by_provider;
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

}  // namespace

int main(int argc, char** argv) {
  int clients = 20000;
  std::string month_text = "2024-03";
  std::string conninfo;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--clients=", 0) == 0) clients = std::stoi(arg.substr(10));
    if (arg.rfind("--month=", 0) == 0) month_text = arg.substr(8);
    if (arg.rfind("--pg=", 0) == 0) conninfo = arg.substr(5);
  }
  absl::StatusOr<absl::CivilMonth> month = lov::ParsePeriod(month_text);
  if (!month.ok()) {
    std::fprintf(stderr, "%s\n", std::string(month.status().message()).c_str());
    return 2;
  }

  auto t0 = Clock::now();
  size_t count = 0;
  auto by_provider = Generate(clients, *month, &count);
  std::printf(
      "generated %zu visits for %d clients, %d providers, %s in %.1f s\n",
      count, clients, kPrivateProviders + kInHouseProviders, month_text.c_str(),
      Seconds(t0));

  // ---- in process: the settlement domain.
  std::map<std::string, v1::ZoneArea> areas;
  for (int z = 0; z < kZones; ++z) {
    areas[ZoneId(z)] =
        z >= kFirstRuralZone ? v1::ZONE_AREA_RURAL : v1::ZONE_AREA_URBAN;
  }
  const lov::settlement::RateBook book({Table()});
  const bool reset_self = ResetPeakRss("self");
  const double rss_before = PeakRssMiB("self");
  t0 = Clock::now();
  std::map<std::string, int64_t> domain_totals;
  int64_t domain_sum = 0;
  size_t lines = 0;
  for (size_t p = 0; p < by_provider.size(); ++p) {
    lov::settlement::StatementInput in;
    in.provider_id = ProviderId(static_cast<int>(p));
    in.period = *month;
    in.in_house = InHouse(static_cast<int>(p));
    in.rates = &book;
    in.zone_areas = areas;
    in.visits = std::move(by_provider[p]);
    absl::StatusOr<v1::Statement> s = lov::settlement::BuildStatement(in);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", std::string(s.status().message()).c_str());
      return 1;
    }
    domain_totals[s->provider_id()] = s->total_ore();
    domain_sum += s->total_ore();
    lines += s->lines_size();
    by_provider[p] = std::move(in.visits);  // keep the visits for the load
  }
  const double domain_seconds = Seconds(t0);
  const double domain_peak = PeakRssMiB("self");
  std::printf("domain: %zu statements, %zu lines, total %s kr\n",
              domain_totals.size(), lines,
              lov::Money::FromOre(domain_sum).ToDecimalString().c_str());

  if (conninfo.empty()) {
    std::printf("domain  %.2f s  peak RSS %.0f MiB (process, %s)\n",
                domain_seconds, domain_peak,
                reset_self ? "reset before settling" : "whole run");
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
  for (const auto& visits : by_provider) {
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
  std::printf("%-28s %12.2f %16.0f %22lld\n", "settlement domain (C++)",
              domain_seconds, domain_peak, static_cast<long long>(domain_sum));
  std::printf("%-28s %12.2f %16.0f %22lld\n", "PostgreSQL 1 backend (SQL)",
              sql_seconds, sql_peak, static_cast<long long>(sql_sum));
  std::printf("%-28s %12.2f\n", "PostgreSQL COPY + ANALYZE", load_seconds);
  std::printf("ratio SQL / domain: %.1fx time\n", sql_seconds / domain_seconds);
  std::printf(
      "peak RSS: domain %s (process RSS before settling %.0f MiB, "
      "includes the generated visits), SQL backend %s\n",
      reset_self ? "reset before settling" : "whole run", rss_before,
      reset_backend ? "reset before the query" : "since connect");
  std::printf("per-provider totals agree to the öre: %s (%zu providers)\n",
              mismatches == 0 ? "YES" : "NO", domain_totals.size());
  return mismatches == 0 ? 0 : 1;
}
