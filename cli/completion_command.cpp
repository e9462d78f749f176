// `syncgate completion bash|zsh|fish` and `syncgate man`: the shell completions and the man page,
// written from the CLI11 tree the other commands register, so they list exactly the subcommands
// and options the binary accepts. Both commands are hidden (no help group): the build runs them
// (cmake/generate_cli_docs.cmake) and installs what they print.
//
//   syncgate completion bash > /usr/share/bash-completion/completions/syncgate
//   syncgate man | man -l -
#include <fmt/format.h>

#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"

namespace syncgate::cli {
namespace {

/// One option of a command as the completions and the man page need it.
struct OptionDoc {
  std::vector<std::string> names;  // "-j", "--jobs"
  std::string description;
  std::string value_name;            // "TEXT", "INT"; empty for a flag
  std::vector<std::string> choices;  // from a CLI::IsMember check; empty: any value (a file)
  bool repeatable = false;
};

/// A positional argument ("paths").
struct PositionalDoc {
  std::string name;
  std::string description;
  bool many = false;
  bool required = false;
};

/// A command and what is below it; the root has an empty path.
struct CommandDoc {
  std::string path;  // "rules list"
  std::string name;  // "list"
  std::string description;
  std::vector<OptionDoc> options;
  std::vector<PositionalDoc> positionals;
  std::vector<CommandDoc> subcommands;
};

/// The allowed values CLI11 shows in an option's type name ("TEXT:{text,json,markdown}"): the
/// only place a CLI::IsMember check can be read back from.
std::vector<std::string> ChoicesOf(const std::string& type_name) {
  std::vector<std::string> out;
  const size_t open = type_name.find(":{");
  const size_t close = type_name.find('}', open);
  if (open == std::string::npos || close == std::string::npos) return out;
  std::string_view list = std::string_view(type_name).substr(open + 2, close - open - 2);
  while (!list.empty()) {
    const size_t comma = list.find(',');
    out.emplace_back(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

CommandDoc Describe(const CLI::App& app, const std::string& path) {
  CommandDoc doc{.path = path, .name = app.get_name(), .description = app.get_description()};
  // Hidden options and commands have an empty group; they stay out of completions and docs.
  for (const CLI::Option* opt :
       app.get_options([](const CLI::Option* o) { return !o->get_group().empty(); })) {
    if (opt->get_positional() && opt->get_lnames().empty() && opt->get_snames().empty()) {
      doc.positionals.push_back({.name = opt->get_name(),
                                 .description = opt->get_description(),
                                 .many = opt->get_items_expected_max() > 1,
                                 .required = opt->get_required()});
      continue;
    }
    OptionDoc option{.description = opt->get_description()};
    for (const std::string& s : opt->get_snames()) option.names.push_back("-" + s);
    for (const std::string& l : opt->get_lnames()) option.names.push_back("--" + l);
    if (opt->get_items_expected_max() > 0) {
      const std::string type = opt->get_type_name();
      option.value_name = type.substr(0, type.find(':'));
      if (option.value_name.empty()) option.value_name = "VALUE";
      option.choices = ChoicesOf(type);
      option.repeatable = opt->get_items_expected_max() > 1;
    }
    doc.options.push_back(std::move(option));
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) {
         return !s->get_name().empty() && !s->get_group().empty() && !s->get_disabled();
       })) {
    const std::string sub_path = path.empty() ? sub->get_name() : path + " " + sub->get_name();
    doc.subcommands.push_back(Describe(*sub, sub_path));
  }
  return doc;
}

template <typename Fn>
void ForEachCommand(const CommandDoc& doc, const Fn& fn) {
  fn(doc);
  for (const CommandDoc& sub : doc.subcommands) ForEachCommand(sub, fn);
}

std::string Join(const std::vector<std::string>& items, std::string_view sep = " ") {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

std::vector<std::string> SubcommandNames(const CommandDoc& doc) {
  std::vector<std::string> names;
  for (const CommandDoc& sub : doc.subcommands) names.push_back(sub.name);
  return names;
}

/// "rules list" -> "rules_list": a shell function name.
std::string Ident(std::string text) {
  for (char& c : text) {
    if (c == ' ' || c == '-') c = '_';
  }
  return text;
}

/// Text inside shell single quotes.
std::string SingleQuoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// ---------------------------------------------------------------------------------------------
// bash: the command path is found by walking the words typed so far through per-path tables
// (subcommands, options, options that take a value, their choices), generated as case arms.

std::string BashCompletion(const CommandDoc& root) {
  std::string subs, opts, valued, choices, positional;
  ForEachCommand(root, [&](const CommandDoc& c) {
    const std::string key = SingleQuoted(c.path);
    if (!c.subcommands.empty()) {
      subs += fmt::format("    {}) echo {} ;;\n", key, SingleQuoted(Join(SubcommandNames(c))));
    }
    std::vector<std::string> all, with_value;
    for (const OptionDoc& o : c.options) {
      all.insert(all.end(), o.names.begin(), o.names.end());
      if (!o.value_name.empty())
        with_value.insert(with_value.end(), o.names.begin(), o.names.end());
      if (o.choices.empty()) continue;
      for (const std::string& n : o.names) {
        choices += fmt::format("    {}) echo {} ;;\n", SingleQuoted(c.path + " " + n),
                               SingleQuoted(Join(o.choices)));
      }
    }
    if (!all.empty()) opts += fmt::format("    {}) echo {} ;;\n", key, SingleQuoted(Join(all)));
    if (!with_value.empty()) {
      valued += fmt::format("    {}) echo {} ;;\n", key, SingleQuoted(Join(with_value)));
    }
    if (!c.positionals.empty()) positional += fmt::format("    {}) return 0 ;;\n", key);
  });
  return fmt::format(R"sh(# bash completion for syncgate (generated by `syncgate completion bash`)

_syncgate_subcommands() {{
  case "$1" in
{}  esac
}}
_syncgate_options() {{
  case "$1" in
{}  esac
}}
_syncgate_value_options() {{
  case "$1" in
{}  esac
}}
_syncgate_choices() {{
  case "$1" in
{}  esac
}}
_syncgate_takes_paths() {{
  case "$1" in
{}  esac
  return 1
}}

_syncgate() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} prev="" path="" word i
  # The subcommand path typed so far; an option's value is skipped with the option.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${{COMP_WORDS[i]}}
    if [[ $word == -* ]]; then
      if [[ $word != *=* && " $(_syncgate_value_options "$path") " == *" $word "* ]]; then
        ((i++))
      fi
    elif [[ " $(_syncgate_subcommands "$path") " == *" $word "* ]]; then
      path=${{path:+$path }}$word
    fi
  done
  ((COMP_CWORD > 1)) && prev=${{COMP_WORDS[COMP_CWORD - 1]}}
  if [[ $prev == -* && " $(_syncgate_value_options "$path") " == *" $prev "* ]]; then
    local choices
    choices=$(_syncgate_choices "$path $prev")
    if [[ -n $choices ]]; then
      mapfile -t COMPREPLY < <(compgen -W "$choices" -- "$cur")
    else
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
    return 0
  fi
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_syncgate_options "$path")" -- "$cur")
    return 0
  fi
  mapfile -t COMPREPLY < <(compgen -W "$(_syncgate_subcommands "$path")" -- "$cur")
  if _syncgate_takes_paths "$path"; then
    local files
    mapfile -t files < <(compgen -f -- "$cur")
    COMPREPLY+=("${{files[@]}}")
  fi
  return 0
}}
complete -o filenames -F _syncgate syncgate
)sh",
                     subs, opts, valued, choices, positional);
}

// ---------------------------------------------------------------------------------------------
// zsh: one function per command with an _arguments spec; commands with subcommands dispatch on
// the first word after them.

/// Text inside an _arguments spec's [description]: brackets and colons are syntax there.
std::string ZshDescription(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

void ZshFunction(const CommandDoc& c, std::string& out) {
  const std::string fn = "_syncgate" + (c.path.empty() ? "" : "_" + Ident(c.path));
  std::vector<std::string> specs;
  for (const OptionDoc& o : c.options) {
    const std::string exclusive =
        o.names.size() > 1 && !o.repeatable ? "(" + Join(o.names) + ")" : "";
    std::string action;
    if (!o.value_name.empty()) {
      action =
          ":" + o.value_name + ":" + (o.choices.empty() ? "_files" : "(" + Join(o.choices) + ")");
    }
    for (const std::string& name : o.names) {
      // --name= takes the value after '=' or as the next word, as CLI11 does.
      const std::string form = !o.value_name.empty() && name.starts_with("--") ? name + "=" : name;
      specs.push_back(SingleQuoted(exclusive + (o.repeatable ? "*" : "") + form + "[" +
                                   ZshDescription(o.description) + "]" + action));
    }
  }
  if (!c.subcommands.empty()) {
    specs.push_back("'1: :->command'");
    specs.push_back("'*:: :->argument'");
  } else if (!c.positionals.empty()) {
    const PositionalDoc& p = c.positionals.front();
    specs.push_back(SingleQuoted(std::string(p.many ? "*" : "1") + ":" + p.name + ":_files"));
  }
  out += fn + "() {\n";
  if (!c.subcommands.empty()) {
    out += "  local curcontext=\"$curcontext\" state line\n  local -a commands\n";
  }
  // -C: the state actions below narrow the completion context to the subcommand.
  out += c.subcommands.empty() ? "  _arguments -s" : "  _arguments -C -s";
  for (const std::string& spec : specs) out += " \\\n    " + spec;
  out += "\n";
  if (!c.subcommands.empty()) {
    out += "  case $state in\n    command)\n      commands=(\n";
    for (const CommandDoc& sub : c.subcommands) {
      out += "        " + SingleQuoted(sub.name + ":" + sub.description) + "\n";
    }
    out += fmt::format(
        "      )\n      _describe -t commands {} commands ;;\n    argument)\n"
        "      local fn={}_${{words[1]//-/_}}\n"
        "      (( $+functions[$fn] )) && $fn ;;\n  esac\n",
        SingleQuoted((c.path.empty() ? "syncgate" : "syncgate " + c.path) + " command"), fn);
  }
  out += "}\n\n";
}

std::string ZshCompletion(const CommandDoc& root) {
  std::string out =
      "#compdef syncgate\n# zsh completion for syncgate (generated by `syncgate "
      "completion zsh`)\n\n";
  ForEachCommand(root, [&](const CommandDoc& c) { ZshFunction(c, out); });
  out += "_syncgate \"$@\"\n";
  return out;
}

// ---------------------------------------------------------------------------------------------
// fish: a helper finds the subcommand path typed so far; every entry is conditioned on it.

/// Text inside fish single quotes.
std::string FishQuoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string FishCompletion(const CommandDoc& root) {
  std::string subs, valued, entries;
  ForEachCommand(root, [&](const CommandDoc& c) {
    const std::string key = FishQuoted(c.path);
    if (!c.subcommands.empty()) {
      subs += fmt::format("        case {}\n            printf '%s\\n' {}\n", key,
                          Join(SubcommandNames(c)));
    }
    std::vector<std::string> with_value;
    const std::string condition = FishQuoted("__syncgate_at " + FishQuoted(c.path));
    // Files are offered only where the command takes paths.
    const std::string no_files = c.positionals.empty() ? " -f" : "";
    for (const CommandDoc& sub : c.subcommands) {
      entries += fmt::format("complete -c syncgate -n {}{} -a {} -d {}\n", condition, no_files,
                             sub.name, FishQuoted(sub.description));
    }
    for (const OptionDoc& o : c.options) {
      std::string names;
      for (const std::string& n : o.names) {
        names += n.starts_with("--") ? " -l " + n.substr(2) : " -s " + n.substr(1);
        if (!o.value_name.empty()) with_value.push_back(n);
      }
      std::string value;
      if (!o.value_name.empty()) {
        value = o.choices.empty() ? " -r" : " -x -a " + FishQuoted(Join(o.choices));
      }
      entries += fmt::format("complete -c syncgate -n {}{}{} -d {}\n", condition, names, value,
                             FishQuoted(o.description));
    }
    if (!with_value.empty()) {
      valued +=
          fmt::format("        case {}\n            printf '%s\\n' {}\n", key, Join(with_value));
    }
  });
  return fmt::format(R"fish(# fish completion for syncgate (generated by `syncgate completion fish`)

function __syncgate_subcommands
    switch $argv[1]
{}    end
end

function __syncgate_value_options
    switch $argv[1]
{}    end
end

# The subcommand path typed so far ("rules list"); an option's value is skipped with the option.
function __syncgate_path
    set -l path ''
    set -l skip 0
    for word in (commandline -opc)[2..-1]
        if test $skip = 1
            set skip 0
        else if string match -q -- '-*' $word
            if not string match -q -- '*=*' $word; and contains -- $word (__syncgate_value_options $path)
                set skip 1
            end
        else if contains -- $word (__syncgate_subcommands $path)
            set path (string trim -- "$path $word")
        end
    end
    echo $path
end

function __syncgate_at
    set -l path (__syncgate_path)
    test "$path" = "$argv[1]"
end

{})fish",
                     subs, valued, entries);
}

// ---------------------------------------------------------------------------------------------
// man page (roff, man(7) macros).

std::string Roff(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";  // a real hyphen-minus, so options copied from the page work
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  // A line starting with '.' or '\'' would be read as a request.
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

std::string Synopsis(const CommandDoc& c) {
  std::string out = "syncgate" + (c.path.empty() ? "" : " " + c.path);
  if (!c.subcommands.empty()) out += " COMMAND";
  if (!c.options.empty()) out += " [OPTIONS]";
  for (const PositionalDoc& p : c.positionals) {
    std::string arg = p.name + (p.many ? "..." : "");
    out += " " + (p.required ? arg : "[" + arg + "]");
  }
  return out;
}

void ManCommand(const CommandDoc& c, std::string& out) {
  if (!c.path.empty()) {
    out += ".SS \"" + Roff(Synopsis(c)) + "\"\n" + Roff(c.description) + "\n";
    for (const PositionalDoc& p : c.positionals) {
      out += ".TP\n.I " + Roff(p.name) + "\n" + Roff(p.description) + "\n";
    }
    for (const OptionDoc& o : c.options) {
      std::vector<std::string> names;
      for (const std::string& n : o.names) names.push_back("\\fB" + Roff(n) + "\\fR");
      out += ".TP\n" + Join(names, ", ");
      if (!o.value_name.empty()) out += " \\fI" + Roff(o.value_name) + "\\fR";
      out += "\n" + Roff(o.description) + "\n";
    }
  }
  for (const CommandDoc& sub : c.subcommands) ManCommand(sub, out);
}

std::string ManPage(const CommandDoc& root) {
  std::string summary = root.description;
  if (summary.starts_with("syncgate: ")) summary.erase(0, 10);
  std::string out = fmt::format(
      ".\\\" Generated by `syncgate man` from the command line definitions; do not edit.\n"
      ".TH SYNCGATE 1 \"\" \"syncgate {}\" \"User Commands\"\n"
      ".SH NAME\nsyncgate \\- {}\n"
      ".SH SYNOPSIS\n.B syncgate\n.I command\n[\\fIoptions\\fR] [\\fIarguments\\fR]\n"
      ".SH DESCRIPTION\n"
      "syncgate is a pre\\-deploy validation and policy gate for GitOps repositories: it "
      "renders Helm charts and Kustomize sources, reads ArgoCD Applications and plain "
      "manifests, and reports findings with file, line and column.\n"
      ".PP\n\\fBsyncgate\\fR \\fIcommand\\fR \\fB\\-\\-help\\fR prints the options of one "
      "command.\n"
      ".SH COMMANDS\n",
      SYNCGATE_VERSION, Roff(summary));
  for (const CommandDoc& sub : root.subcommands) {
    out += ".TP\n.B " + Roff(sub.name) + "\n" + Roff(sub.description) + "\n";
  }
  out += ".SH OPTIONS\n";
  ManCommand(root, out);
  out +=
      ".SH EXIT STATUS\n"
      ".TP\n.B 0\nThe checks passed.\n"
      ".TP\n.B 1\nFindings at or above \\fB\\-\\-fail\\-on\\fR (default: error).\n"
      ".TP\n.B 2\nThe tool could not do its job: bad flags, configuration, or environment.\n"
      ".SH ENVIRONMENT\n"
      ".TP\n.B SYNCGATE_HELM\nThe helm binary, when \\fB\\-\\-helm\\fR is not given; then helm "
      "on PATH, then the copy in \\fI<prefix>/libexec/syncgate/\\fR.\n"
      ".TP\n.B SYNCGATE_KUSTOMIZE\nThe kustomize (or kubectl) binary, when "
      "\\fB\\-\\-kustomize\\fR is not given.\n"
      ".TP\n.B SYNCGATE_CACHE_DIR\nRoot of the caches (default: "
      "\\fI$XDG_CACHE_HOME/syncgate\\fR).\n"
      ".TP\n.B CI\nWhen set, a chart that cannot be rendered is an error "
      "(\\fB\\-\\-require\\-render\\fR).\n"
      ".TP\n.B NO_COLOR\nNever colour the text output.\n"
      ".SH FILES\n"
      ".TP\n.I .syncgate.yaml\nThe configuration, found upward from the checked paths.\n"
      ".TP\n.I /usr/share/syncgate/integrations/\nThe GitLab CI, GitHub, pre\\-commit and ArgoCD "
      "integrations.\n"
      ".TP\n.I /usr/share/doc/syncgate/rules/\nOne page per rule (also \\fBsyncgate rules "
      "explain\\fR \\fIid\\fR).\n"
      ".SH SEE ALSO\n.BR helm (1),\n.BR git (1)\n";
  return out;
}

const CLI::App& Root(const CLI::App& app) {
  const CLI::App* root = &app;
  while (root->get_parent() != nullptr) root = root->get_parent();
  return *root;
}

}  // namespace

void AddCompletionCommand(CLI::App& app, CommandResult& result) {
  auto shell = std::make_shared<std::string>();
  CLI::App* completion = app.add_subcommand("completion", "Print a shell completion script");
  completion->group("");  // hidden: the package installs the scripts
  completion->add_option("shell", *shell, "bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  completion->callback([shell, completion, &result] {
    const CommandDoc root = Describe(Root(*completion), "");
    if (*shell == "bash") std::cout << BashCompletion(root);
    if (*shell == "zsh") std::cout << ZshCompletion(root);
    if (*shell == "fish") std::cout << FishCompletion(root);
    result.exit_code = kExitPass;
  });

  CLI::App* man = app.add_subcommand("man", "Print the man page (roff)");
  man->group("");
  man->callback([man, &result] {
    std::cout << ManPage(Describe(Root(*man), ""));
    result.exit_code = kExitPass;
  });
}

}  // namespace syncgate::cli
