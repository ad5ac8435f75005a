#pragma once
// Multi-row INSERTs for bulk loaders (zaken, documenten, besluiten): one statement writes many rows.
#include <algorithm>
#include <cstddef>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"
#include "core/storage/database.h"
#include "core/storage/where.h"

namespace thorbecke::storage {

//! `head` + n × `row` + `tail`, where `row` has `?` placeholders. Rows are written in chunks whose sizes are
//! powers of two up to a maximum, so a load prepares a handful of distinct statements however many rows it
//! writes. The maximum keeps statements at a few dozen parameters on SQLite (which looks bound parameters
//! up by name, linearly) and a few thousand on PostgreSQL (where a statement is a round trip).
class MultiInsert {
  public:
    MultiInsert(Dialect d, std::string head, std::string row, std::string tail = {})
        : head_(std::move(head)), row_(std::move(row)), tail_(std::move(tail)) {
        per_row_ = std::max<std::size_t>(1, static_cast<std::size_t>(std::count(row_.begin(), row_.end(), '?')));
        std::size_t budget = d == Dialect::kSqlite ? 64 : 4096;
        std::size_t limit = std::max<std::size_t>(1, std::min<std::size_t>(512, budget / per_row_));
        max_rows_ = 1;
        while (max_rows_ * 2 <= limit) max_rows_ *= 2;
    }

    //! Values of the current row; EndRow() closes it.
    template <class... A>
    void Push(A&&... values) {
        (params_.emplace_back(Param(std::forward<A>(values))), ...);
    }
    //! One text value (or NULL) of the current row.
    void PushText(std::optional<std::string> value) {
        if (value)
            params_.emplace_back(std::in_place_type<std::string>, std::move(*value));
        else
            params_.emplace_back(std::in_place_type<std::nullptr_t>, nullptr);
    }
    void EndRow() { ++rows_; }
    //! One whole row.
    template <class... A>
    void Add(A&&... values) {
        Push(std::forward<A>(values)...);
        EndRow();
    }
    [[nodiscard]] std::size_t rows() const { return rows_; }

    boost::asio::awaitable<Status> Flush(Session& s) {
        std::size_t done = 0;
        while (done < rows_) {
            std::size_t n = max_rows_;
            while (n > rows_ - done) n /= 2;
            auto first = params_.begin() + static_cast<std::ptrdiff_t>(done * per_row_);
            auto last = first + static_cast<std::ptrdiff_t>(n * per_row_);
            Params chunk(std::make_move_iterator(first), std::make_move_iterator(last));
            const std::string& sql = Sql(n);
            auto r = co_await s.Query(sql, std::move(chunk));
            if (!r) co_return Fail(r.error());
            done += n;
        }
        params_.clear();
        rows_ = 0;
        co_return Status{};
    }

  private:
    const std::string& Sql(std::size_t n) {
        auto it = sql_.find(n);
        if (it != sql_.end()) return it->second;
        std::string text = head_;
        for (std::size_t i = 0; i < n; ++i) {
            if (i) text += ", ";
            text += row_;
        }
        text += tail_;
        return sql_.emplace(n, NumberPlaceholders(text, 1)).first->second;
    }

    std::string head_, row_, tail_;
    std::size_t per_row_ = 1, max_rows_ = 1, rows_ = 0;
    Params params_;
    std::map<std::size_t, std::string> sql_;
};

}  // namespace thorbecke::storage
