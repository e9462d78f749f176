// `syncgate version`
#include <iostream>

#include "cli/commands.h"

namespace syncgate::cli {

void AddVersionCommand(CLI::App& app, CommandResult& result) {
  CLI::App* cmd = app.add_subcommand("version", "Print the version");
  cmd->callback([&result] {
    std::cout << "syncgate " << SYNCGATE_VERSION << "\n";
    result.exit_code = kExitPass;
  });
}

}  // namespace syncgate::cli
