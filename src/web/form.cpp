#include <fmt/format.h>

#include "web/web.h"

namespace thorbecke::web {

namespace {

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool Decode(std::string_view in, std::string& out) {
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= in.size()) return false;
            int hi = HexValue(in[i + 1]);
            int lo = HexValue(in[i + 2]);
            if (hi < 0 || lo < 0) return false;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += c;
        }
    }
    return true;
}

//! Well-formed UTF-8 without overlong forms or surrogates, as RFC 3629 defines it.
bool ValidUtf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        std::uint32_t cp = 0;
        if (c == 0) return false;  // PostgreSQL text cannot hold NUL
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n >= s.size()) return false;
        for (std::size_t k = 1; k <= n; ++k) {
            auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n + 1;
    }
    return true;
}

Error Malformed() {
    return Error::BadRequest("invalid_form", "Het formulier is niet goed verstuurd. Probeer het opnieuw.");
}

Error TooLarge(std::string detail) {
    return Error{413, "request_too_large", "Formulier te groot.", std::move(detail), {}};
}

}  // namespace

std::optional<std::string_view> Form::Get(std::string_view name) const {
    for (const auto& [k, v] : fields_) {
        if (k == name) return std::string_view(v);
    }
    return std::nullopt;
}

std::string Form::Value(std::string_view name) const {
    return std::string(Get(name).value_or(""));
}

std::vector<std::string> Form::All(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : fields_) {
        if (k == name) out.push_back(v);
    }
    return out;
}

Result<Form> ParseForm(std::string_view body) {
    if (body.size() > kMaxFormBytes) {
        return Fail(TooLarge(fmt::format("Het formulier is groter dan {} kB.", kMaxFormBytes / 1024)));
    }
    Form form;
    std::size_t count = 0;
    std::string name;
    std::string value;
    while (!body.empty()) {
        auto amp = body.find('&');
        std::string_view pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
        if (pair.empty()) continue;
        if (++count > kMaxFormFields) {
            return Fail(TooLarge(fmt::format("Het formulier heeft meer dan {} velden.", kMaxFormFields)));
        }
        auto eq = pair.find('=');
        std::string_view raw_name = pair.substr(0, eq);
        std::string_view raw_value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        if (!Decode(raw_name, name) || !Decode(raw_value, value)) return Fail(Malformed());
        if (!ValidUtf8(name) || !ValidUtf8(value)) return Fail(Malformed());
        form.Add(name, value);
    }
    return form;
}

}  // namespace thorbecke::web
