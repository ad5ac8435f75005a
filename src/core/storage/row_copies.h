#pragma once
// Copies of template rows for bulk loaders: the rows a service wrote for one template resource are read once
// (every column as text, as Rows hold them) and written again many times with some values replaced, so bulk
// rows have exactly the stored form the service writes. Knows no table: the caller names them.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "core/error.h"
#include "core/storage/database.h"
#include "core/storage/multi_insert.h"

namespace thorbecke::storage {

//! Every occurrence of each `from` replaced by its `to`, in order. `from` values are unique strings (uuids,
//! identificaties) of a template, so a replacement never touches anything else.
inline std::string ReplaceAll(std::string text, const std::vector<std::pair<std::string, std::string>>& edits) {
    for (const auto& [from, to] : edits) {
        if (from.empty() || from == to) continue;
        std::size_t at = 0;
        while ((at = text.find(from, at)) != std::string::npos) {
            text.replace(at, from.size(), to);
            at += to.size();
        }
    }
    return text;
}

class RowCopies {
  public:
    //! Per column of a copy: the new value (nullopt: SQL NULL), given the column's name and the template value.
    using Edit = std::function<std::optional<std::string>(std::string_view column, const std::optional<std::string>&)>;

    //! The rows of `table` that `where` (with `$n` placeholders) selects, all columns except `skip` (identity
    //! columns the database numbers itself). `table` and `where` are constants of the caller, never input.
    static boost::asio::awaitable<Result<RowCopies>> Load(
        Session& s, Dialect d, std::string table, std::string where, Params params, std::vector<std::string> skip
    ) {
        auto r = co_await s.Query(fmt::format("SELECT * FROM {} WHERE {}", table, where), std::move(params));
        if (!r) co_return Fail(r.error());
        RowCopies out;
        out.table_ = std::move(table);
        std::vector<std::size_t> keep;
        for (std::size_t c = 0; c < r->columns.size(); ++c) {
            bool skipped = false;
            for (const auto& k : skip) skipped = skipped || r->columns[c] == k;
            if (!skipped) keep.push_back(c);
        }
        std::string cols, row;
        for (std::size_t c : keep) {
            if (!cols.empty()) {
                cols += ", ";
                row += ", ";
            }
            cols += r->columns[c];
            out.columns_.push_back(r->columns[c]);
            row += "?";
        }
        for (auto& values : r->rows) {
            std::vector<std::optional<std::string>> kept;
            for (std::size_t c : keep) kept.push_back(std::move(values[c]));
            out.rows_.push_back(std::move(kept));
        }
        out.insert_ = std::make_unique<MultiInsert>(
            d, fmt::format("INSERT INTO {} ({}) VALUES ", out.table_, cols), "(" + row + ")"
        );
        co_return out;
    }

    [[nodiscard]] std::size_t size() const { return rows_.size(); }
    [[nodiscard]] const std::vector<std::string>& columns() const { return columns_; }
    [[nodiscard]] const std::vector<std::vector<std::optional<std::string>>>& rows() const { return rows_; }
    //! The template value of `column` in row `i`; "" when NULL or no such column.
    [[nodiscard]] std::string Value(std::size_t i, std::string_view column) const {
        for (std::size_t c = 0; c < columns_.size(); ++c) {
            if (columns_[c] == column) return rows_[i][c].value_or("");
        }
        return {};
    }

    //! Queues one copy of every template row; `edit` gives each value.
    void Add(const Edit& edit) {
        for (const auto& values : rows_) {
            for (std::size_t c = 0; c < columns_.size(); ++c) {
                insert_->PushText(edit(columns_[c], values[c]));
            }
            insert_->EndRow();
        }
    }
    //! Queues one copy of every template row with `edits` applied to every non-NULL value.
    void Add(const std::vector<std::pair<std::string, std::string>>& edits) {
        Edit edit = [&edits](std::string_view, const std::optional<std::string>& v) -> std::optional<std::string> {
            if (!v) return std::nullopt;
            return ReplaceAll(*v, edits);
        };
        Add(edit);
    }
    [[nodiscard]] std::size_t queued() const { return insert_->rows(); }
    boost::asio::awaitable<Status> Flush(Session& s) { co_return co_await insert_->Flush(s); }

  private:
    std::string table_;
    std::vector<std::string> columns_;
    std::vector<std::vector<std::optional<std::string>>> rows_;
    std::unique_ptr<MultiInsert> insert_;
};

//! The rows one template resource has in several tables, copied together.
class TemplateRows {
  public:
    //! Adds the rows of `table` that `where` selects (see RowCopies::Load).
    boost::asio::awaitable<Status> Load(Session& s, Dialect d, std::string table, std::string where, Params params) {
        // The identity column every table of this platform has is numbered by the database.
        std::vector<std::string> skip{"seq"};
        auto r = co_await RowCopies::Load(s, d, std::move(table), std::move(where), std::move(params), std::move(skip));
        if (!r) co_return Fail(r.error());
        tables_.push_back(std::move(*r));
        co_return Status{};
    }
    [[nodiscard]] const std::vector<RowCopies>& tables() const { return tables_; }
    [[nodiscard]] std::size_t rows_per_copy() const {
        std::size_t n = 0;
        for (const auto& t : tables_) n += t.size();
        return n;
    }
    void Add(const std::vector<std::pair<std::string, std::string>>& edits) {
        for (auto& t : tables_) t.Add(edits);
    }
    //! Writes what was queued; the number of rows.
    boost::asio::awaitable<Result<std::int64_t>> Flush(Session& s) {
        std::int64_t rows = 0;
        for (auto& t : tables_) {
            rows += static_cast<std::int64_t>(t.queued());
            auto st = co_await t.Flush(s);
            if (!st) co_return Fail(st.error());
        }
        co_return rows;
    }

  private:
    std::vector<RowCopies> tables_;
};

//! Reserves `n` numbers of counter `name` in `table` (name TEXT PRIMARY KEY, value INTEGER: see sequence.h) in
//! the caller's transaction, so the service's own generator continues after them; returns the first.
inline boost::asio::awaitable<Result<std::int64_t>> ReserveNumbers(
    Session& s, std::string_view table, std::string name, std::int64_t n
) {
    auto r = co_await s.Query(
        fmt::format(
            "INSERT INTO {0} (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = {0}.value + "
            "excluded.value RETURNING value",
            table
        ),
        MakeParams(std::move(name), n)
    );
    if (!r) co_return Fail(r.error());
    co_return r->Int(0, 0) - n + 1;
}

//! Runs `write(session, first, n)` for `total` items in transactions of `batch`, with a line of progress every
//! `every` items (and at the end): "<done>/<total> <noun> in <s> s: <rate> <noun>/s, <rows> rows/s". `write`
//! returns the rows it wrote. Returns all rows written and the seconds it took.
struct BatchRun {
    std::int64_t total = 0;
    std::int64_t batch = 2000;
    std::int64_t every = 50000;
    std::string noun;
    std::function<void(const std::string&)> progress;
};
using BatchWrite = std::function<boost::asio::awaitable<Result<std::int64_t>>(Session&, std::int64_t, std::int64_t)>;
inline boost::asio::awaitable<Result<std::pair<std::int64_t, double>>> RunBatches(
    Database& db, const BatchRun& run, const BatchWrite& write
) {
    auto started = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
    std::int64_t done = 0, rows = 0, batch = std::max<std::int64_t>(1, run.batch);
    while (done < run.total) {
        std::int64_t n = std::min(batch, run.total - done);
        std::int64_t written = 0;
        auto st = co_await db.Transaction([&](Session& s) -> boost::asio::awaitable<Status> {
            if (db.dialect() == Dialect::kSqlite) {
                // A larger page cache for this connection: bulk inserts touch many index pages.
                auto pragma = co_await s.Query("PRAGMA cache_size = -1048576", MakeParams());
                if (!pragma) co_return Fail(pragma.error());
            }
            auto r = co_await write(s, done, n);
            if (!r) co_return Fail(r.error());
            written = *r;
            co_return Status{};
        });
        if (!st) co_return Fail(st.error());
        rows += written;
        std::int64_t before = done;
        done += n;
        if (run.progress && run.every > 0 && (done / run.every != before / run.every || done == run.total)) {
            double t = std::max(elapsed(), 1e-9);
            run.progress(fmt::format(
                "{}/{} {} in {:.1f} s: {:.0f} {}/s, {:.0f} rows/s",
                done,
                run.total,
                run.noun,
                t,
                static_cast<double>(done) / t,
                run.noun,
                static_cast<double>(rows) / t
            ));
        }
    }
    co_return std::pair<std::int64_t, double>{rows, elapsed()};
}

//! Keys (uuids) of existing rows in a stable order, a page at a time: up to `limit` after position `after`
//! (0: from the start), with the position of the last one.
struct KeyPage {
    std::vector<std::string> keys;
    std::int64_t last = 0;
};
using KeySource = std::function<boost::asio::awaitable<Result<KeyPage>>(std::int64_t after, std::int64_t limit)>;

//! The keys of a KeySource one by one, from the start again after the last (more copies than rows to point at).
class CyclingKeys {
  public:
    explicit CyclingKeys(const KeySource& source) : source_(source) {}
    boost::asio::awaitable<Result<std::string>> Next() {
        if (next_ >= page_.size()) {
            auto page = co_await source_(position_, 10000);
            if (!page) co_return Fail(page.error());
            if (page->keys.empty()) {
                page = co_await source_(0, 10000);
                if (!page) co_return Fail(page.error());
                if (page->keys.empty()) co_return Fail(Error::Internal("no rows to point at"));
            }
            page_ = std::move(page->keys);
            position_ = page->last;
            next_ = 0;
        }
        co_return page_[next_++];
    }

  private:
    const KeySource& source_;
    std::vector<std::string> page_;
    std::size_t next_ = 0;
    std::int64_t position_ = 0;
};

//! A random (version 4) uuid from `rng`, for loaders that must be repeatable for a seed.
template <class Rng>
std::string RandomUuid(Rng& rng) {
    std::uint64_t a = rng(), b = rng();
    return fmt::format(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        static_cast<std::uint32_t>(a >> 32),
        static_cast<std::uint32_t>((a >> 16) & 0xffff),
        static_cast<std::uint32_t>(a & 0xfff),
        static_cast<std::uint32_t>(0x8000 | ((b >> 48) & 0x3fff)),
        b & 0xffffffffffffULL
    );
}

//! How a loader copies a template (the settings documents and besluiten share).
struct CopyOptions {
    std::string base;        // the base URL the loader addresses the platform by
    std::uint64_t seed = 1;  // the same seed gives the same uuids
    int batch = 2000;        // copies per transaction
    std::int64_t progress_every = 50000;
    std::function<void(const std::string&)> progress;
    //! Rows another register writes for the template's relation object: (table, condition with $1 = its uuid).
    std::vector<std::pair<std::string, std::string>> related_rows;
};

//! What a bulk copy did, for a loader's summary.
struct CopySummary {
    std::int64_t added = 0;  // resources, the template included
    std::int64_t rows = 0;   // rows written in bulk
    double seconds = 0;      // the bulk part
    //! {"added", "rows", "seconds", "per_second"} (per_second: copies, without the template).
    [[nodiscard]] boost::json::object Json() const {
        boost::json::object o;
        o["added"] = added;
        o["rows"] = rows;
        o["seconds"] = std::round(seconds * 10) / 10;
        o["per_second"] = seconds > 0 ? std::round(static_cast<double>(added - 1) / seconds) : 0.0;
        return o;
    }
};

//! An error of a loader's step as one line: "<what>: <detail> [field: code reason] ...".
inline Error LoadError(std::string_view what, const Error& e) {
    std::string text = e.detail.empty() ? e.title : e.detail;
    for (const auto& p : e.invalid_params) text += fmt::format(" [{}: {} {}]", p.name, p.code, p.reason);
    return Error::Internal(fmt::format("{}: {}", what, text));
}

}  // namespace thorbecke::storage
