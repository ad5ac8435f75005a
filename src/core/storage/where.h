#pragma once
// WHERE clauses built from conditions with `?` placeholders, numbered ($1, $2, ...) when the statement is
// built, so list filters compose without string-pasting values into SQL.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/storage/database.h"

namespace thorbecke::storage {

//! Replaces each `?` by $first, $first+1, ...
std::string NumberPlaceholders(std::string_view sql, int first);

class Where {
  public:
    void Add(std::string condition, Params params = {}) {
        conditions_.push_back(std::move(condition));
        for (auto& p : params) params_.push_back(std::move(p));
    }
    //! "WHERE a AND b" (or "" without conditions), numbering placeholders from first_param.
    [[nodiscard]] std::string Sql(int first_param = 1) const;
    [[nodiscard]] const Params& params() const { return params_; }
    [[nodiscard]] bool empty() const { return conditions_.empty(); }
    [[nodiscard]] std::size_t size() const { return conditions_.size(); }

  private:
    std::vector<std::string> conditions_;
    Params params_;
};

}  // namespace thorbecke::storage
