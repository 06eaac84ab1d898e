// Swedish public holidays (allmänna helgdagar) and holiday eves, for the
// rules that pay a supplement (OB) or change what is delivered on them.

#ifndef LOV_PLATFORM_SWEDISH_HOLIDAYS_H_
#define LOV_PLATFORM_SWEDISH_HOLIDAYS_H_

#include <string>

#include "absl/time/civil_time.h"

namespace lov {

// Easter Sunday (påskdagen) in the Gregorian calendar, by the anonymous
// Gregorian algorithm (Meeus/Jones/Butcher). Valid for years from 1583.
absl::CivilDay EasterSunday(int year);

// The named public holidays of the Public Holidays Act (lag 1989:253):
// New Year's Day, Epiphany, Good Friday, Easter Sunday, Easter Monday,
// 1 May, Ascension Day, Whitsunday, National Day, Midsummer Day, All
// Saints' Day, Christmas Day and Boxing Day. The act also makes every Sunday
// a holiday; ordinary Sundays are not reported here, since weekend rules
// treat them anyway.
bool IsPublicHoliday(absl::CivilDay day);

// Easter Eve, Midsummer Eve, Christmas Eve and New Year's Eve: not holidays
// by law, but treated as such by many collective agreements.
bool IsHolidayEve(absl::CivilDay day);

// The Swedish name of the holiday or holiday eve on `day` ("Midsommarafton"),
// or "" if there is none. Were two ever to coincide (Whitsunday on 6 June),
// the movable feast's name is given.
std::string HolidayName(absl::CivilDay day);

}  // namespace lov

#endif  // LOV_PLATFORM_SWEDISH_HOLIDAYS_H_
