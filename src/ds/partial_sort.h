// PartialQuickSort: sorts only as much of an array as it takes for positions [lo, hi] to hold
// the elements a full sort would put there.
//
// Redis answers GEOSEARCH ... COUNT n with such a partial sort (its pqsort, a Bentley-McIlroy
// three-way quicksort that skips partitions outside the wanted positions). Which of several
// equally distant points come first depends on exactly how that quicksort moves elements, so
// this is the same algorithm step for step: median of three (ninther above 40 elements), fat
// partition with the equal keys parked at both ends and swapped into the middle, insertion sort
// below 7 elements, recursion on the left part and a loop on the right. (No switch to insertion
// sort after a pass without swaps: redis-server 7.0.15 orders ties as a quicksort without it.)
// `cmp(a, b)` returns <0, 0 or >0.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>

namespace memkeydb {

namespace partial_sort_internal {

template <typename T, typename Cmp>
T* MedianOfThree(T* a, T* b, T* c, Cmp& cmp) {
  if (cmp(*a, *b) < 0) {
    if (cmp(*b, *c) < 0) return b;
    return cmp(*a, *c) < 0 ? c : a;
  }
  if (cmp(*b, *c) > 0) return b;
  return cmp(*a, *c) < 0 ? a : c;
}

template <typename T, typename Cmp>
void InsertionSort(T* a, size_t n, Cmp& cmp) {
  for (T* m = a + 1; m < a + n; ++m) {
    for (T* l = m; l > a && cmp(*(l - 1), *l) > 0; --l) std::swap(*l, *(l - 1));
  }
}

// Swaps the n elements starting at a with the n starting at b, pairwise in order.
template <typename T>
void SwapBlocks(T* a, T* b, ptrdiff_t n) {
  for (ptrdiff_t i = 0; i < n; ++i) std::swap(a[i], b[i]);
}

// True when [first, first + n) holds none of the wanted positions [lo, hi].
template <typename T>
bool Outside(const T* first, ptrdiff_t n, const T* lo, const T* hi) {
  const T* last = first + n - 1;
  return (lo < first && hi < first) || (lo > last && hi > last);
}

template <typename T, typename Cmp>
void Sort(T* a, size_t n, Cmp& cmp, const T* lo, const T* hi) {
  for (;;) {
    if (n < 7) {
      InsertionSort(a, n, cmp);
      return;
    }
    T* pm = a + n / 2;
    if (n > 7) {
      T* pl = a;
      T* pn = a + (n - 1);
      if (n > 40) {
        size_t d = n / 8;
        pl = MedianOfThree(pl, pl + d, pl + 2 * d, cmp);
        pm = MedianOfThree(pm - d, pm, pm + d, cmp);
        pn = MedianOfThree(pn - 2 * d, pn - d, pn, cmp);
      }
      pm = MedianOfThree(pl, pm, pn, cmp);
    }
    std::swap(*a, *pm);
    T* pa = a + 1;
    T* pb = a + 1;
    T* pc = a + (n - 1);
    T* pd = a + (n - 1);
    for (;;) {
      int r;
      while (pb <= pc && (r = cmp(*pb, *a)) <= 0) {
        if (r == 0) {
          std::swap(*pa, *pb);
          ++pa;
        }
        ++pb;
      }
      while (pb <= pc && (r = cmp(*pc, *a)) >= 0) {
        if (r == 0) {
          std::swap(*pc, *pd);
          --pd;
        }
        --pc;
      }
      if (pb > pc) break;
      std::swap(*pb, *pc);
      ++pb;
      --pc;
    }
    T* pn = a + n;
    ptrdiff_t r = std::min(pa - a, pb - pa);
    SwapBlocks(a, pb - r, r);
    r = std::min(pd - pc, pn - pd - 1);
    SwapBlocks(pb, pn - r, r);
    if ((r = pb - pa) > 1 && !Outside(a, r, lo, hi)) Sort(a, static_cast<size_t>(r), cmp, lo, hi);
    if ((r = pd - pc) > 1) {
      a = pn - r;
      n = static_cast<size_t>(r);
      if (!Outside(a, r, lo, hi)) continue;
    }
    return;
  }
}

}  // namespace partial_sort_internal

// Sorts a[0, n) far enough that positions lo..hi (inclusive) are final.
// REQUIRES: lo <= hi < n.
template <typename T, typename Cmp>
void PartialQuickSort(T* a, size_t n, Cmp cmp, size_t lo, size_t hi) {
  partial_sort_internal::Sort(a, n, cmp, a + lo, a + hi);
}

}  // namespace memkeydb
