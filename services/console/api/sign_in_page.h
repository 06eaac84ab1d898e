#ifndef LOV_CONSOLE_API_SIGN_IN_PAGE_H_
#define LOV_CONSOLE_API_SIGN_IN_PAGE_H_

#include <string>
#include <string_view>

namespace lov::console {

// The dashboard's sign-in page: a form that posts a bearer token to
// /login (in the body, never in a URL), with `reason` (why the last attempt
// or the session failed) shown when not empty; with `offer_idp` first a link
// to sign in at the identity provider (/login/oidc).
std::string SignInPage(std::string_view reason, bool offer_idp = false);

// After a sign-in at the identity provider: opens the dashboard.
std::string SignedInPage();

// The page for a signed-in person whose role may not open the dashboard,
// naming the rule.
std::string ForbiddenPage(std::string_view rule);

}  // namespace lov::console

#endif  // LOV_CONSOLE_API_SIGN_IN_PAGE_H_
