#pragma once
// Thorbecke's web pages: the one include a page needs.
//
//   web/web.h   templates (AddTemplate, Render), the request Context (Begin, RequireAccount, CheckCsrf),
//               forms (ParseForm), the layout (Page, Redirect, ErrorPage), static assets (AssetUrl),
//               sessions (SessionStore) and the page-route wrapper (PageRoute).
//
// Pages are rendered on the server from mustache templates (HTML-escaped by default) inside one layout
// (layout.mustache), styled with the NL Design System (Utrecht component CSS + the open voorbeeld theme), and
// work without JavaScript. A page route in short:
//
//   router.Add(http::Method::kGet, "/algoritmeregister/beheer", http::Access::Public(),
//       web::PageRoute(sessions, [&](http::Request& req, web::Context& ctx) -> asio::awaitable<Result<http::Response>>
//       {
//           if (auto r = web::RequireAccount(ctx)) co_return std::move(*r);
//           boost::json::object data{{"csrf", ctx.csrf}, ...};
//           co_return web::Page(ctx, "Beheer", web::Render("beheer", data));
//       }));
//
// and for a form POST: RouteOptions{.form_urlencoded = true}, then `auto form = web::ParseForm(req.body)`,
// `if (auto r = web::CheckCsrf(ctx, *form)) co_return std::move(*r);`, and a 303 with web::Redirect (PRG).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "accounts/accounts.h"
#include "core/error.h"
#include "core/http/message.h"
#include "core/http/router.h"
#include "core/storage/database.h"

namespace thorbecke::web {

namespace asio = boost::asio;

// --- Templates ------------------------------------------------------------------------------------------

//! Registers a mustache template under `name` (e.g. "register/lijst"); also usable as a partial
//! `{{> name}}`. `text` must outlive the program (embedded data). Call at start-up, before serving.
void AddTemplate(std::string name, std::string_view text);

//! Renders template `name` with `data`: JSON objects become mustache objects, arrays lists, strings text
//! (HTML-escaped with {{x}}, raw only with {{{x}}}; empty text counts as false in sections), numbers as
//! text (2.5), booleans sections, null false.
//! An unknown template or a syntax error throws std::runtime_error (a programming error: 500).
std::string Render(std::string_view name, const boost::json::object& data);

//! HTML-escapes text for the few places that build HTML in C++.
std::string Escape(std::string_view text);

// --- Forms ----------------------------------------------------------------------------------------------

//! An application/x-www-form-urlencoded body: fields in order; a name may repeat (checkboxes).
class Form {
  public:
    void Add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
    //! The first value of `name`; nullopt when absent.
    [[nodiscard]] std::optional<std::string_view> Get(std::string_view name) const;
    //! The first value of `name`, or "" when absent.
    [[nodiscard]] std::string Value(std::string_view name) const;
    //! Every value of `name`, in order.
    [[nodiscard]] std::vector<std::string> All(std::string_view name) const;
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

  private:
    std::vector<std::pair<std::string, std::string>> fields_;
};

inline constexpr std::size_t kMaxFormBytes = 256 * 1024;
inline constexpr std::size_t kMaxFormFields = 1000;

//! Parses a form body ('+' is a space, %XX bytes; the result must be valid UTF-8). 400 on a malformed body,
//! 413 beyond kMaxFormBytes or kMaxFormFields.
Result<Form> ParseForm(std::string_view body);

// --- Sessions and the request context -----------------------------------------------------------------

struct SessionOptions {
    std::chrono::seconds idle{30 * 60};
    std::chrono::seconds absolute{8 * 60 * 60};
};

class SessionStore;

//! What a page knows about its request: who is signed in, the CSRF token for its forms, the cookies to set.
struct Context {
    const http::Request* request = nullptr;
    SessionStore* sessions = nullptr;
    std::optional<accounts::Account> account;
    std::string csrf;      // the value for every form's hidden `csrf` field; empty while there is no session
    std::string base_url;  // "https://example.org"
    std::string path;      // the request's path (and query), for `terug` links
    bool secure = false;   // the request came over https: cookies get Secure and the __Host- prefix
    std::string message;   // a one-time message from the previous request (after a POST-redirect-GET)
    std::vector<std::string> set_cookies;  // Set-Cookie values to send with the response
    // Internal: the SHA-256 (hex) of the session cookie value; empty without a session.
    std::string session_key;
};

class SessionStore {
  public:
    SessionStore(storage::Database& db, accounts::AccountStore& accounts, SessionOptions options = {});

    //! Table web_sessions.
    static std::vector<storage::Migration> Migrations();

    //! The context of a request: reads the session cookie (no database access without one).
    asio::awaitable<Result<Context>> Begin(const http::Request& request);
    //! Makes sure the context has a session and a CSRF token (an anonymous session when not signed in), for
    //! pages that show a form to anyone (the sign-in page).
    asio::awaitable<Status> EnsureSession(Context& ctx);
    //! Signs the account in: a new session id (the old one ends), a new CSRF token.
    asio::awaitable<Status> SignIn(Context& ctx, const accounts::Account& account);
    //! Ends the session and clears the cookie.
    asio::awaitable<Status> SignOut(Context& ctx);
    //! A message for the next page this session sees (after a redirect).
    asio::awaitable<Status> SetMessage(Context& ctx, std::string message);

    [[nodiscard]] accounts::AccountStore& accounts() { return accounts_; }
    [[nodiscard]] const SessionOptions& options() const { return options_; }

  private:
    storage::Database& db_;
    accounts::AccountStore& accounts_;
    SessionOptions options_;
};

inline asio::awaitable<Result<Context>> Begin(const http::Request& request, SessionStore& sessions) {
    return sessions.Begin(request);
}

//! A 303 to /inloggen?terug=<this path> when nobody is signed in; nullopt when someone is.
std::optional<http::Response> RequireAccount(const Context& ctx);
//! As RequireAccount, and a 403 page when the account lacks `role`.
std::optional<http::Response> RequireRole(const Context& ctx, std::string_view role);
//! A 403 page when the form's `csrf` field does not match the session's token; nullopt when it does.
std::optional<http::Response> CheckCsrf(const Context& ctx, const Form& form);

// --- Pages ----------------------------------------------------------------------------------------------

//! A link in the header's navigation. Staff-only links show only to signed-in staff.
struct NavItem {
    std::string label;
    std::string href;
    bool staff_only = false;
    bool signed_out_only = false;  // e.g. the sign-in link
};
//! Adds a navigation link to the layout's header (at start-up).
void AddNavItem(NavItem item);

//! `body_html` inside the layout (header, navigation, main, footer), with the security headers, the session
//! cookie and, when someone is signed in, Cache-Control no-store.
http::Response Page(const Context& ctx, std::string_view title, std::string body_html, int status = 200);
//! A 303 See Other to `location` (a local path), with the session cookie.
http::Response Redirect(const Context& ctx, std::string location);
//! An HTML error page for `error` (404, 403, 500 ... with its Dutch detail where it is safe to show).
http::Response ErrorPage(const Context& ctx, const Error& error);
//! Sets the HTML security headers: CSP (default-src 'self'; frame-ancestors 'none'; form-action 'self'),
//! nosniff, Referrer-Policy same-origin, X-Frame-Options DENY.
void SecurityHeaders(http::Response& response);

//! A route handler for a page: runs Begin, calls `fn`, turns an Error into an HTML error page, and adds the
//! security headers and cookies to whatever `fn` answers.
using PageHandler = std::function<asio::awaitable<Result<http::Response>>(http::Request&, Context&)>;
http::Handler PageRoute(SessionStore& sessions, PageHandler fn);

//! An HTML "page not found" for paths under `prefix` that match no route, except under `except` (an API
//! inside the site keeps its problem+json 404).
void AddNotFoundPages(
    http::Router& router, SessionStore& sessions, std::string prefix, std::vector<std::string> except = {}
);

//! True for "/a/b?c" paths on this site (not "//host", not "/\\host", not absolute URLs): safe redirect targets.
bool IsLocalPath(std::string_view target);

// --- Static assets --------------------------------------------------------------------------------------

//! The URL of a bundled stylesheet ("utrecht.css", "theme.css", "thorbecke.css"):
//! /static/web/<hash of its contents>/<name>, served with a one-year immutable cache.
std::string AssetUrl(std::string_view name);

// --- Wiring ---------------------------------------------------------------------------------------------

//! Static assets, /inloggen and /uitloggen.
void RegisterRoutes(http::Router& router, SessionStore& sessions);

}  // namespace thorbecke::web
