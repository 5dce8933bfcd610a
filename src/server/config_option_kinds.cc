// The common kinds of option (yes/no, numeric, enum, string, and the special ones with their
// own get/set/rewrite), and the store of values of the options memkeydb accepts but ignores.

#include <utility>

#include "common/strutil.h"
#include "server/config_internal.h"

namespace memkeydb {
namespace {

OptionDef MakeDef(const char* name, std::initializer_list<const char*> aliases, uint32_t flags) {
  OptionDef def;
  def.option.name = name;
  for (const char* a : aliases) def.option.aliases.emplace_back(a);
  def.option.immutable = (flags & kImmutable) != 0;
  def.option.sensitive = (flags & kSensitive) != 0;
  def.option.multi_arg = (flags & kMultiArg) != 0;
  return def;
}

// The default as CONFIG GET prints it: an ignored option's is given; a field's is what a
// default-constructed Config holds.
void SetDefault(OptionDef* def, const std::string& ignored_default) {
  def->option.default_value = def->ignored ? ignored_default : def->option.get(Config());
}

// A string-valued option reads from its Config field, or, when ignored, from ExtraValues().
void BindStringGetter(OptionDef* def, const std::string& name, const std::string& def_text,
                      Field<std::string> field) {
  if (field != nullptr) {
    def->option.get = [field](const Config& c) { return c.*field; };
  } else {
    def->ignored = true;
    def->option.get = [name, def_text](const Config&) { return ExtraGet(name, def_text); };
  }
}

void StoreString(Config& c, Field<std::string> field, const std::string& name, std::string value) {
  if (field != nullptr) {
    c.*field = std::move(value);
  } else {
    ExtraValues()[name] = std::move(value);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Values of accepted-but-ignored options
// ---------------------------------------------------------------------------------------------

std::map<std::string, std::string>& ExtraValues() {
  static auto* values = new std::map<std::string, std::string>();
  return *values;
}

std::string ExtraGet(const std::string& name, const std::string& default_text) {
  auto& values = ExtraValues();
  auto it = values.find(name);
  return it == values.end() ? default_text : it->second;
}

// ---------------------------------------------------------------------------------------------
// Option definitions
// ---------------------------------------------------------------------------------------------

Rewriter SimpleRewriter(std::string name, std::function<std::string(const Config&)> get,
                        std::string default_text) {
  return [=](const Config& c) -> std::vector<RewriteLine> {
    std::string v = get(c);
    return {{name + " " + v, v != default_text}};
  };
}

OptionDef BoolOption(const char* name, std::initializer_list<const char*> aliases, uint32_t flags,
                     Field<bool> field, bool ignored_default, std::string (*validate)(bool)) {
  OptionDef def = MakeDef(name, aliases, flags);
  std::string n = name;
  std::string def_text = ignored_default ? "yes" : "no";
  if (field != nullptr) {
    def.option.get = [field](const Config& c) { return std::string(c.*field ? "yes" : "no"); };
  } else {
    def.ignored = true;
    def.option.get = [n, def_text](const Config&) { return ExtraGet(n, def_text); };
  }
  def.option.set = [n, field, validate](Config& c, const Args& args) -> std::string {
    if (args.size() != 1) return "wrong number of arguments";
    bool v;
    if (EqualsIgnoreCase(args[0], "yes")) {
      v = true;
    } else if (EqualsIgnoreCase(args[0], "no")) {
      v = false;
    } else {
      return "argument must be 'yes' or 'no'";
    }
    if (validate != nullptr) {
      std::string err = validate(v);
      if (!err.empty()) return err;
    }
    if (field != nullptr) {
      c.*field = v;
    } else {
      ExtraValues()[n] = v ? "yes" : "no";
    }
    return "";
  };
  SetDefault(&def, def_text);
  return def;
}

OptionDef NumOption(const char* name, std::initializer_list<const char*> aliases, uint32_t flags,
                    NumSpec spec, Field<int64_t> field, int64_t ignored_default) {
  OptionDef def = MakeDef(name, aliases, flags);
  std::string n = name;
  std::string def_text = FormatNumeric(spec, ignored_default);
  if (field != nullptr) {
    def.option.get = [spec, field](const Config& c) { return FormatNumeric(spec, c.*field); };
  } else {
    def.ignored = true;
    def.option.get = [n, def_text](const Config&) { return ExtraGet(n, def_text); };
  }
  def.option.set = [n, spec, field](Config& c, const Args& args) -> std::string {
    if (args.size() != 1) return "wrong number of arguments";
    int64_t v;
    std::string err = ParseNumeric(spec, args[0], &v);
    if (!err.empty()) return err;
    if (field != nullptr) {
      c.*field = v;
    } else {
      ExtraValues()[n] = FormatNumeric(spec, v);
    }
    return "";
  };
  SetDefault(&def, def_text);
  def.rewrite = [n, spec, get = def.option.get, default_text = def.option.default_value](
                    const Config& c) -> std::vector<RewriteLine> {
    // The printed value is a valid input, so parsing it back recovers the number.
    std::string text = get(c);
    int64_t v = 0;
    ParseNumeric(spec, text, &v);
    return {{n + " " + FormatNumericForFile(spec, v), text != default_text}};
  };
  return def;
}

OptionDef EnumOption(const char* name, std::initializer_list<const char*> aliases, uint32_t flags,
                     EnumSpec spec, Field<std::string> field, const char* ignored_default) {
  OptionDef def = MakeDef(name, aliases, flags);
  std::string n = name;
  std::string def_text = ignored_default;
  BindStringGetter(&def, n, def_text, field);
  def.option.set = [n, spec, field](Config& c, const Args& args) -> std::string {
    if (args.size() != 1) return "wrong number of arguments";
    const char* canonical = CanonicalEnumName(spec, args[0]);
    if (canonical == nullptr) return EnumError(spec);
    StoreString(c, field, n, canonical);
    return "";
  };
  SetDefault(&def, def_text);
  return def;
}

OptionDef StringOption(const char* name, std::initializer_list<const char*> aliases, uint32_t flags,
                       Field<std::string> field, const char* ignored_default, Validator validate) {
  OptionDef def = MakeDef(name, aliases, flags);
  std::string n = name;
  std::string def_text = ignored_default;
  BindStringGetter(&def, n, def_text, field);
  def.option.set = [n, field, validate](Config& c, const Args& args) -> std::string {
    if (args.size() != 1) return "wrong number of arguments";
    if (validate != nullptr) {
      std::string err = validate(args[0]);
      if (!err.empty()) return err;
    }
    StoreString(c, field, n, args[0]);
    return "";
  };
  SetDefault(&def, def_text);
  bool empty_is_null = (flags & kEmptyIsNull) != 0;
  def.rewrite = [n, empty_is_null, get = def.option.get, default_text = def.option.default_value](
                    const Config& c) -> std::vector<RewriteLine> {
    std::string v = get(c);
    if (v.empty() && empty_is_null) return {};
    return {{n + " " + Repr(v), v != default_text}};
  };
  return def;
}

OptionDef SpecialOption(const char* name, std::initializer_list<const char*> aliases,
                        uint32_t flags, std::function<std::string(const Config&)> get,
                        std::function<std::string(Config&, const Args&)> set, Rewriter rewrite,
                        bool ignored) {
  OptionDef def = MakeDef(name, aliases, flags);
  def.option.get = std::move(get);
  def.option.set = std::move(set);
  def.rewrite = std::move(rewrite);
  def.ignored = ignored;
  // Nothing is stored for an ignored option while the table is built, so get() gives the
  // default for those too.
  def.option.default_value = def.option.get(Config());
  return def;
}

}  // namespace memkeydb
