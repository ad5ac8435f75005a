// /inloggen and /uitloggen: the staff sign-in form (NL Design System form pattern: an error summary linking to
// the fields, each message above its input, aria-invalid and aria-describedby).
#include <memory>

#include "web/identity.h"
#include "web/internal.h"
#include "web/web.h"

namespace thorbecke::web {

namespace bj = boost::json;

namespace {

struct FormState {
    std::string username;
    std::string terug;
    std::string username_error;
    std::string password_error;
    std::string general_error;  // wrong credentials, locked: not about one field
    bool signed_out = false;
};

http::Response SignInPage(const Context& ctx, const FormState& s, int status) {
    bj::array errors;
    if (!s.general_error.empty()) errors.push_back(bj::object{{"field", "gebruikersnaam"}, {"text", s.general_error}});
    if (!s.username_error.empty()) {
        errors.push_back(bj::object{{"field", "gebruikersnaam"}, {"text", s.username_error}});
    }
    if (!s.password_error.empty()) errors.push_back(bj::object{{"field", "wachtwoord"}, {"text", s.password_error}});
    bool has_errors = !errors.empty();
    bj::object data{
        {"csrf", ctx.csrf},
        {"terug", s.terug},
        {"username", s.username},
        {"username_error", s.username_error},
        {"password_error", s.password_error},
        {"errors", std::move(errors)},
        {"has_errors", has_errors},
        {"signed_out", s.signed_out}};
    std::string title = has_errors ? "Fout: Inloggen" : "Inloggen";
    http::Response r = Page(ctx, title, Render("inloggen", data), status);
    r.SetHeader("Cache-Control", "no-store");
    return r;
}

std::string AfterSignIn(std::string_view terug) {
    return IsLocalPath(terug) ? std::string(terug) : std::string(kStaffHome);
}

}  // namespace

void RegisterBuiltinTemplates() {
    AddBuiltinTemplate("layout", embedded::web_layout_mustache());
    AddBuiltinTemplate("fout", embedded::web_fout_mustache());
    AddBuiltinTemplate("inloggen", embedded::web_inloggen_mustache());
}

void RegisterRoutes(http::Router& router, SessionStore& sessions) {
    AddAssetRoutes(router);
    AddNavItem(NavItem{"Inloggen", "/inloggen", false, true});
    auto provider = std::make_shared<PasswordProvider>(sessions.accounts());

    router.Add(
        http::Method::kGet,
        "/inloggen",
        http::Access::Public(),
        PageRoute(
            sessions,
            [&sessions](http::Request& req, Context& ctx) -> asio::awaitable<Result<http::Response>> {
                FormState s;
                s.terug = std::string(req.query.Get("terug").value_or(""));
                if (!IsLocalPath(s.terug)) s.terug.clear();
                if (ctx.account) co_return Redirect(ctx, AfterSignIn(s.terug));
                s.signed_out = req.query.Get("uitgelogd").has_value();
                auto ensured = co_await sessions.EnsureSession(ctx);
                if (!ensured) co_return Fail(ensured.error());
                co_return SignInPage(ctx, s, 200);
            }
        )
    );

    router.Add(
        http::Method::kPost,
        "/inloggen",
        http::Access::Public(),
        PageRoute(
            sessions,
            [&sessions, provider](http::Request& req, Context& ctx) -> asio::awaitable<Result<http::Response>> {
                auto form = ParseForm(req.body);
                if (!form) co_return Fail(form.error());
                if (auto refused = CheckCsrf(ctx, *form)) co_return std::move(*refused);
                FormState s;
                s.username = form->Value("gebruikersnaam");
                s.terug = form->Value("terug");
                if (!IsLocalPath(s.terug)) s.terug.clear();
                std::string password = form->Value("wachtwoord");
                if (s.username.empty()) s.username_error = "Vul uw gebruikersnaam in.";
                if (password.empty()) s.password_error = "Vul uw wachtwoord in.";
                if (!s.username_error.empty() || !s.password_error.empty()) co_return SignInPage(ctx, s, 400);

                auto account = co_await provider->SignIn(s.username, password);
                if (!account) {
                    const Error& e = account.error();
                    if (e.status >= 500) co_return Fail(e);
                    s.general_error = e.detail;
                    co_return SignInPage(ctx, s, e.status);
                }
                auto signed_in = co_await sessions.SignIn(ctx, *account);
                if (!signed_in) co_return Fail(signed_in.error());
                co_return Redirect(ctx, AfterSignIn(s.terug));
            }
        ),
        http::RouteOptions{.form_urlencoded = true}
    );

    router.Add(
        http::Method::kPost,
        "/uitloggen",
        http::Access::Public(),
        PageRoute(
            sessions,
            [&sessions](http::Request& req, Context& ctx) -> asio::awaitable<Result<http::Response>> {
                auto form = ParseForm(req.body);
                if (!form) co_return Fail(form.error());
                if (auto refused = CheckCsrf(ctx, *form)) co_return std::move(*refused);
                auto out = co_await sessions.SignOut(ctx);
                if (!out) co_return Fail(out.error());
                co_return Redirect(ctx, "/inloggen?uitgelogd=1");
            }
        ),
        http::RouteOptions{.form_urlencoded = true}
    );
}

}  // namespace thorbecke::web
