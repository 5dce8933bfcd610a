#include "ds/lcs.h"

#include <algorithm>

namespace memkeydb {
namespace {

// LEN-only requests need no walk back, so two rows of the table are enough.
uint64_t LcsLengthOnly(std::string_view a, std::string_view b) {
  if (a.size() < b.size()) std::swap(a, b);  // Rows run along the shorter string.
  std::vector<uint32_t> prev(b.size() + 1, 0);
  std::vector<uint32_t> cur(b.size() + 1, 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], cur[j - 1]);
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

uint64_t LcsTableBytes(size_t a_len, size_t b_len) {
  uint64_t rows;
  uint64_t cols;
  uint64_t cells;
  uint64_t bytes;
  if (__builtin_add_overflow(static_cast<uint64_t>(a_len), 1, &rows) ||
      __builtin_add_overflow(static_cast<uint64_t>(b_len), 1, &cols) ||
      __builtin_mul_overflow(rows, cols, &cells) ||
      __builtin_mul_overflow(cells, uint64_t{sizeof(uint32_t)}, &bytes)) {
    return UINT64_MAX;
  }
  return bytes;
}

bool LcsLengthSupported(size_t len) { return static_cast<uint64_t>(len) < UINT32_MAX - 1; }

LcsResult ComputeLcs(std::string_view a, std::string_view b, const LcsOptions& options) {
  LcsResult result;
  if (!options.want_string && !options.want_matches) {
    result.len = LcsLengthOnly(a, b);
    return result;
  }

  const size_t la = a.size();
  const size_t lb = b.size();
  const size_t width = lb + 1;
  // table[i * width + j] = LCS length of a[0, i) and b[0, j). Row 0 and column 0 stay zero.
  std::vector<uint32_t> table((la + 1) * width, 0);
  for (size_t i = 1; i <= la; ++i) {
    const uint32_t* up = &table[(i - 1) * width];
    uint32_t* row = &table[i * width];
    for (size_t j = 1; j <= lb; ++j) {
      row[j] = a[i - 1] == b[j - 1] ? up[j - 1] + 1 : std::max(up[j], row[j - 1]);
    }
  }
  result.len = table[la * width + lb];
  if (options.want_string) result.lcs.resize(result.len);

  const uint64_t min_len = options.min_match_len > 0 ? options.min_match_len : 0;
  size_t fill = result.len;  // The string is produced back to front.
  size_t i = la;
  size_t j = lb;
  bool in_run = false;
  LcsMatch run;
  while (i > 0 && j > 0) {
    bool run_ends = false;
    if (a[i - 1] == b[j - 1]) {
      if (options.want_string) result.lcs[--fill] = a[i - 1];
      // Consecutive matching steps are always adjacent in both strings, so a run only ends when
      // the walk steps over a mismatch or reaches the start of either string.
      if (!in_run) {
        in_run = true;
        run.a_end = i - 1;
        run.b_end = j - 1;
      }
      run.a_start = i - 1;
      run.b_start = j - 1;
      run_ends = run.a_start == 0 || run.b_start == 0;
      --i;
      --j;
    } else {
      // The tie-break decides which of several equally long answers is reported; Redis keeps
      // the byte of `a` unless dropping it leaves strictly more to match.
      if (table[(i - 1) * width + j] > table[i * width + j - 1]) {
        --i;
      } else {
        --j;
      }
      run_ends = in_run;
    }
    if (run_ends) {
      run.len = run.a_end - run.a_start + 1;
      if (options.want_matches && run.len >= min_len) result.matches.push_back(run);
      in_run = false;
    }
  }
  return result;
}

}  // namespace memkeydb
