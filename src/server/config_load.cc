// Loading a configuration: redis.conf text (with include), a file, or redis-server's command
// line, into a Config.

#include <fcntl.h>
#include <glob.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <set>
#include <utility>

#include "common/logging.h"
#include "common/strutil.h"
#include "protocol/resp_parser.h"
#include "server/config_internal.h"

namespace memkeydb {
namespace {

constexpr int kMaxIncludeDepth = 16;

struct LoadState {
  bool save_seen = false;  // the first save line replaces the defaults, later ones append
  int include_depth = 0;
  std::set<std::string> warned;  // ignored options already reported
};

Status LoadInto(Config* config, std::string_view text, LoadState* state);

Status ReadWholeFile(const std::string& path, std::string* out) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::IoError("Fatal error, can't open config file '" + path +
                           "': " + ErrnoText(errno));
  }
  out->clear();
  int err = ReadAll(fd, out);
  close(fd);
  if (err != 0) {
    return Status::IoError("Fatal error, can't read config file '" + path +
                           "': " + ErrnoText(err));
  }
  return Status::Ok();
}

Status ReadStdin(std::string* out) {
  int err = ReadAll(STDIN_FILENO, out);
  if (err != 0) {
    return Status::IoError("Fatal error, can't read config from stdin: " + ErrnoText(err));
  }
  return Status::Ok();
}

std::string AbsolutePath(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof(cwd)) == nullptr) return path;
  std::string base = cwd;
  std::string_view rest = path;
  // Fold leading "../" and "./" the way a shell user expects.
  while (true) {
    if (rest.substr(0, 2) == "./") {
      rest.remove_prefix(2);
    } else if (rest.substr(0, 3) == "../") {
      rest.remove_prefix(3);
      size_t slash = base.rfind('/');
      base = slash == 0 || slash == std::string::npos ? "/" : base.substr(0, slash);
    } else {
      break;
    }
  }
  return base == "/" ? "/" + std::string(rest) : base + "/" + std::string(rest);
}

Status IncludeFiles(Config* config, const std::string& pattern, LoadState* state) {
  if (state->include_depth >= kMaxIncludeDepth) {
    return Status::InvalidArgument("include nesting deeper than " +
                                   std::to_string(kMaxIncludeDepth) +
                                   " levels (does a file include itself?)");
  }
  std::vector<std::string> paths;
  if (pattern.find_first_of("*?[") != std::string::npos) {
    // With a wildcard, no match is fine (an empty conf.d); without one the file must exist.
    glob_t g;
    if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) paths.emplace_back(g.gl_pathv[i]);
      globfree(&g);
    }
  } else {
    paths.push_back(pattern);
  }
  for (const std::string& path : paths) {
    std::string text;
    MKDB_RETURN_IF_ERROR(ReadWholeFile(path, &text));
    ++state->include_depth;
    Status st = LoadInto(config, text, state);
    --state->include_depth;
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

// Applies one known option's arguments (argv[0] is the option name) during a load.
std::string ApplyLoadedOption(Config* config, const OptionDef& def, const Args& argv,
                              LoadState* state) {
  const Option& o = def.option;
  if (!o.multi_arg && argv.size() != 2) return "wrong number of arguments";
  Args args(argv.begin() + 1, argv.end());
  // A multi-value option given as one non-empty argument ("--save '900 1 300 10'") is split
  // again; an empty one keeps meaning "none".
  if (o.multi_arg && args.size() == 1 && !args[0].empty()) {
    Args split;
    if (!RequestParser::SplitArgs(args[0], &split)) split.clear();
    args = std::move(split);
  }
  if (o.name == "save") {
    // Only an explicit `save ""` clears; a bare `save` after the first adds nothing.
    bool clears = args.size() == 1 && args[0].empty();
    std::vector<std::pair<int64_t, int64_t>> before = config->save_params;
    std::string err = o.set(*config, args);
    if (!err.empty()) return err;
    if (state->save_seen && !clears) {
      before.insert(before.end(), config->save_params.begin(), config->save_params.end());
      config->save_params = std::move(before);
    }
    state->save_seen = true;
    return "";
  }
  std::string err = o.set(*config, args);
  // replicaof keeps its value outside Config (ExtraValues) but is acted on: Replication::Start.
  if (err.empty() && def.ignored && o.name != "replicaof" && o.get(*config) != o.default_value &&
      state->warned.insert(o.name).second) {
    MKDB_LOG(kWarning) << "Option '" << o.name
                       << "' is accepted for compatibility with Redis but memkeydb does not "
                          "act on it";
  }
  return err;
}

bool IsDeprecatedDirective(std::string_view name, size_t argc) {
  return argc == 2 && (name == "list-max-ziplist-entries" || name == "list-max-ziplist-value" ||
                       name == "lua-replicate-commands");
}

Status LoadInto(Config* config, std::string_view text, LoadState* state) {
  const ConfigRegistry& registry = ConfigRegistry::Get();
  const std::vector<OptionDef>& defs = OptionDefs();
  std::vector<std::string_view> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = TrimConfigLine(lines[i]);
    if (line.empty() || line[0] == '#') continue;

    std::string err;
    Args argv;
    if (!RequestParser::SplitArgs(line, &argv)) {
      err = "Unbalanced quotes in configuration line";
    } else if (argv.empty()) {
      continue;
    } else {
      argv[0] = ToLower(argv[0]);
      const std::string& name = argv[0];
      const Option* opt = registry.Find(name);
      if (opt != nullptr) {
        const OptionDef& def = defs[static_cast<size_t>(opt - registry.options().data())];
        err = ApplyLoadedOption(config, def, argv, state);
      } else if (IsDeprecatedDirective(name, argv.size())) {
        continue;
      } else if (name == "include" && argv.size() == 2) {
        Status st = IncludeFiles(config, argv[1], state);
        if (!st.ok()) return st;
      } else if (name == "rename-command" && argv.size() == 3) {
        err = "rename-command is not supported by memkeydb";
      } else if (name == "user" && argv.size() >= 2) {
        err = "ACL users are not supported by memkeydb";
      } else if (name == "loadmodule" && argv.size() >= 2) {
        err = "modules are not supported by memkeydb";
      } else if (name == "sentinel") {
        err = "sentinel directive while not in sentinel mode";
      } else if (name.find('.') != std::string::npos) {
        err = argv.size() != 2 ? "Module config specified without value"
                               : "Module Configuration detected without loadmodule directive "
                                 "or no ApplyConfig call: aborting";
      } else {
        err = "Bad directive or wrong number of arguments";
      }
    }
    if (!err.empty()) {
      return Status::InvalidArgument("Reading the configuration file, at line " +
                                     std::to_string(i + 1) + "\n>>> '" + std::string(line) + "'\n" +
                                     err);
    }
  }
  return Status::Ok();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------------------------

Status Config::LoadText(std::string_view text) {
  LoadState state;
  return LoadInto(this, text, &state);
}

Status Config::LoadFile(const std::string& path) {
  std::string absolute = AbsolutePath(path);
  std::string text;
  MKDB_RETURN_IF_ERROR(ReadWholeFile(absolute, &text));
  config_file = absolute;
  return LoadText(text);
}

// redis-server's command line: an optional config file first (anything not starting with '-'),
// "-" as the first or last argument for stdin, then `--name [value ...]` options. Each option
// becomes a line appended after the file's text, its values quoted so they survive splitting.
Status Config::LoadArgs(int argc, char** argv) {
  int j = 1;
  std::string file;
  if (argc >= 2 && argv[1][0] != '-') {
    file = AbsolutePath(argv[1]);
    j = 2;
  }
  bool from_stdin = false;
  std::string options;
  bool last_option_has_value = true;
  for (; j < argc; ++j) {
    std::string_view arg = argv[j];
    if (arg == "-" && (j == 1 || j == argc - 1)) {
      from_stdin = true;
    } else if (last_option_has_value && arg.size() >= 2 && arg[0] == '-' && arg[1] == '-') {
      if (!options.empty()) options += '\n';
      options.append(arg.substr(2));
      options += ' ';
      Args parts;
      bool split_ok = RequestParser::SplitArgs(arg, &parts);
      if (split_ok && parts.size() == 1) {
        // A bare option name: its values follow (even ones starting with "--").
        last_option_has_value = false;
        bool next_is_option = j != argc - 1 && argv[j + 1][0] == '-' && argv[j + 1][1] == '-';
        if (EqualsIgnoreCase(arg, "--save") && (next_is_option || j == argc - 1)) {
          // `--save` with nothing after it means `--save ""`, as before Redis 7.0.1.
          options += "\"\"";
          if (next_is_option) last_option_has_value = true;
        } else if (EqualsIgnoreCase(arg, "--sentinel") && next_is_option) {
          last_option_has_value = true;
        }
      } else {
        // "--port 6380" given as one argument carries its own value.
        last_option_has_value = true;
      }
    } else {
      options += Repr(arg);
      options += ' ';
      last_option_has_value = true;
    }
  }

  std::string text;
  if (!file.empty()) {
    MKDB_RETURN_IF_ERROR(ReadWholeFile(file, &text));
    config_file = file;
  }
  if (from_stdin) MKDB_RETURN_IF_ERROR(ReadStdin(&text));
  text += '\n';
  text += options;
  return LoadText(text);
}

}  // namespace memkeydb
