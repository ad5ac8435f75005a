#include "core/http/multipart.h"

#include <algorithm>
#include <cctype>

namespace thorbecke::http {

namespace {

Error Invalid(std::string detail) {
    return Error::BadRequest("invalid_multipart", std::move(detail));
}

std::string Lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

//! The value of `name=` in a header's parameters ("form-data; name=\"inhoud\"; filename=\"a.pdf\"").
std::string Param(std::string_view header, std::string_view name) {
    std::size_t pos = 0;
    while (pos < header.size()) {
        std::size_t semi = header.find(';', pos);
        if (semi == std::string_view::npos) semi = header.size();
        std::string_view item = Trim(header.substr(pos, semi - pos));
        pos = semi + 1;
        std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) continue;
        if (Lower(Trim(item.substr(0, eq))) != name) continue;
        std::string_view value = Trim(item.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            std::string out;
            for (std::size_t i = 1; i + 1 < value.size(); ++i) {
                if (value[i] == '\\' && i + 2 < value.size()) ++i;
                out += value[i];
            }
            return out;
        }
        return std::string(value);
    }
    return {};
}

}  // namespace

Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body) {
    std::string type = Lower(Trim(content_type.substr(0, content_type.find(';'))));
    if (type != "multipart/form-data") return Fail(Invalid("Het verzoek moet multipart/form-data zijn."));
    std::string boundary = Param(content_type, "boundary");
    if (boundary.empty() || boundary.size() > 200) return Fail(Invalid("De multipart boundary ontbreekt."));
    const std::string delimiter = "--" + boundary;

    std::vector<FormPart> parts;
    std::size_t pos = body.find(delimiter);
    if (pos == std::string_view::npos) return Fail(Invalid("De multipart boundary komt niet voor in het verzoek."));
    pos += delimiter.size();
    for (;;) {
        if (body.substr(pos, 2) == "--") return parts;  // the closing delimiter
        if (body.substr(pos, 2) != "\r\n") return Fail(Invalid("Ongeldige multipart boundary-regel."));
        pos += 2;
        std::size_t headers_end = body.find("\r\n\r\n", pos);
        if (headers_end == std::string_view::npos) return Fail(Invalid("Een multipart deel heeft geen headers."));
        FormPart part;
        std::string_view headers = body.substr(pos, headers_end - pos);
        std::size_t hpos = 0;
        while (hpos <= headers.size()) {
            std::size_t eol = headers.find("\r\n", hpos);
            if (eol == std::string_view::npos) eol = headers.size();
            std::string_view line = headers.substr(hpos, eol - hpos);
            hpos = eol + 2;
            std::size_t colon = line.find(':');
            if (colon == std::string_view::npos) continue;
            std::string name = Lower(Trim(line.substr(0, colon)));
            std::string_view value = Trim(line.substr(colon + 1));
            if (name == "content-disposition") {
                part.name = Param(value, "name");
                part.filename = Param(value, "filename");
            } else if (name == "content-type") {
                part.content_type = std::string(value);
            }
        }
        std::size_t data_start = headers_end + 4;
        std::size_t next = body.find("\r\n" + delimiter, data_start);
        if (next == std::string_view::npos) return Fail(Invalid("Een multipart deel is niet afgesloten."));
        part.data = body.substr(data_start, next - data_start);
        if (part.name.empty()) return Fail(Invalid("Een multipart deel heeft geen naam."));
        parts.push_back(std::move(part));
        pos = next + 2 + delimiter.size();
    }
}

}  // namespace thorbecke::http
