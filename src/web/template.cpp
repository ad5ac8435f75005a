// Templates: kainjow mustache (header-only, Debian libkainjow-mustache-dev). Parsed once per thread: a parsed
// template is rendered without locks, and kainjow does not promise that rendering leaves it untouched.
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include <fmt/format.h>
#include <boost/json.hpp>
#include <kainjow/mustache.hpp>

#include "web/internal.h"
#include "web/web.h"

namespace thorbecke::web {

namespace km = kainjow::mustache;
namespace bj = boost::json;

namespace {

std::map<std::string, std::string_view, std::less<>>& Registry() {
    static std::map<std::string, std::string_view, std::less<>> registry;
    return registry;
}

void EnsureBuiltins() {
    static std::once_flag once;
    std::call_once(once, [] { RegisterBuiltinTemplates(); });
}

std::string_view Source(std::string_view name) {
    auto it = Registry().find(name);
    if (it == Registry().end()) throw std::runtime_error("unknown template: " + std::string(name));
    return it->second;
}

km::data ToData(const bj::value& v) {
    switch (v.kind()) {
        case bj::kind::object: {
            km::data d{km::data::type::object};
            for (const auto& [k, item] : v.get_object()) d.set(std::string(k), ToData(item));
            return d;
        }
        case bj::kind::array: {
            km::data d{km::data::type::list};
            for (const auto& item : v.get_array()) d.push_back(ToData(item));
            return d;
        }
        case bj::kind::string:
            // Empty text is false, as in JavaScript mustache: {{#error}}…{{/error}} shows only with a message.
            if (v.get_string().empty()) return km::data{false};
            return km::data{std::string(v.get_string())};
        case bj::kind::bool_:
            return km::data{v.get_bool()};
        case bj::kind::null:
            return km::data{false};
        case bj::kind::int64:
            return km::data{std::to_string(v.get_int64())};
        case bj::kind::uint64:
            return km::data{std::to_string(v.get_uint64())};
        case bj::kind::double_:
            return km::data{fmt::format("{}", v.get_double())};  // 2.5, not JSON's 2.5E0
    }
    return km::data{false};
}

//! The data stack of one rendering, with `{{> name}}` resolved from the registry.
class RenderContext : public km::context<std::string> {
  public:
    explicit RenderContext(const km::data* data) : km::context<std::string>(data) {}
    const km::data* get_partial(const std::string& name) const override {
        auto it = partials_.find(name);
        if (it != partials_.end()) return &it->second;
        auto source = Registry().find(name);
        if (source == Registry().end()) return nullptr;
        return &partials_.emplace(name, km::data{std::string(source->second)}).first->second;
    }

  private:
    mutable std::map<std::string, km::data, std::less<>> partials_;
};

km::mustache& Parsed(std::string_view name) {
    thread_local std::map<std::string, std::unique_ptr<km::mustache>, std::less<>> cache;
    auto it = cache.find(name);
    if (it != cache.end()) return *it->second;
    auto tmpl = std::make_unique<km::mustache>(std::string(Source(name)));
    if (!tmpl->is_valid()) {
        throw std::runtime_error("template " + std::string(name) + ": " + tmpl->error_message());
    }
    return *cache.emplace(std::string(name), std::move(tmpl)).first->second;
}

}  // namespace

void AddTemplate(std::string name, std::string_view text) {
    EnsureBuiltins();
    Registry()[std::move(name)] = text;
}

void AddBuiltinTemplate(std::string name, std::string_view text) {
    Registry()[std::move(name)] = text;
}

std::string Render(std::string_view name, const boost::json::object& data) {
    EnsureBuiltins();
    km::mustache& tmpl = Parsed(name);
    km::data root = ToData(data);
    RenderContext ctx(&root);
    std::string out = tmpl.render(ctx);
    if (!tmpl.is_valid()) throw std::runtime_error("template " + std::string(name) + ": " + tmpl.error_message());
    return out;
}

std::string Escape(std::string_view text) {
    return km::html_escape(std::string(text));
}

}  // namespace thorbecke::web
