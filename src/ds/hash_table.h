// HashTable: the keyspace index — a ChainedTable of intrusive Entry nodes (see chained_table.h
// for the table's invariants).
#pragma once

#include <string_view>

#include "ds/chained_table.h"
#include "ds/entry.h"

namespace memkeydb {

struct EntryTableTraits {
  static Entry* Next(const Entry* e) { return e->next; }
  static Entry*& NextRef(Entry* e) { return e->next; }
  static void SetNext(Entry* e, Entry* next) { e->next = next; }
  static std::string_view Key(const Entry* e) { return e->key(); }
  static void Destroy(Entry* e) { Entry::Destroy(e); }
};

using HashTable = ChainedTable<Entry, EntryTableTraits>;

}  // namespace memkeydb
