// Text for an XML element or attribute of the finance files (Peppol UBL,
// pain.001): the five XML entities escaped, control characters (not allowed
// in XML 1.0, and refused by banks' character sets) left out, and cut to at
// most `max_chars` characters, counted as UTF-8 code points as XSD lengths
// are.
#ifndef LOV_SETTLEMENT_DOMAIN_XML_TEXT_H_
#define LOV_SETTLEMENT_DOMAIN_XML_TEXT_H_

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

namespace lov::settlement {

std::string XmlText(std::string_view text,
                    size_t max_chars = std::numeric_limits<size_t>::max());

}  // namespace lov::settlement

#endif  // LOV_SETTLEMENT_DOMAIN_XML_TEXT_H_
