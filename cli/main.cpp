// syncgate: a pre-deploy validation and policy gate for GitOps repositories.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/scrubbed_output.h"

int main(int argc, char** argv) {
  using namespace syncgate::cli;
  // Before anything is printed: no line of ours leaves the process with a secret in it.
  ScrubProcessOutput();
  CLI::App app{"syncgate: check Helm charts, manifests and ArgoCD Applications before they sync"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("syncgate ") + SYNCGATE_VERSION);
  CommandResult result;
  AddCheckCommand(app, result);
  AddChecklistCommand(app, result);
  AddHookCommand(app, result);
  AddMergeReportsCommand(app, result);
  AddRulesCommand(app, result);
  AddSchemasCommand(app, result);
  AddSealCommand(app, result);
  AddVersionCommand(app, result);
  AddSyncCommands(app, result);
  AddCompletionCommand(app, result);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Bad flags are "the tool could not do its job": exit 2, with CLI11's message and a hint.
    std::cerr << "syncgate: " << e.what() << "\nRun 'syncgate --help' for usage.\n";
    return kExitError;
  }
  return result.exit_code;
}
