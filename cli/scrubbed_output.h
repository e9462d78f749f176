#pragma once
// The process's diagnostics, scrubbed: std::cerr (errors, warnings, --watch and --verbose logs)
// passes every line through ScrubSecrets (checker/redaction.h) before it reaches the terminal or
// a CI log, and an exception nobody caught ends the process with a scrubbed message and exit
// code 2 instead of the runtime's "terminate called after throwing ... what(): <anything>".
//
// std::cout is not filtered as a whole: it carries data that must stay byte-exact (the
// manifests `cmp generate` hands ArgoCD, a sealed Secret). Reports are scrubbed where they are
// written (reporters::WriteReport), and so are the human lines of `sync`.
//
//   int main(int argc, char** argv) {
//     ScrubProcessOutput();   // first thing
//     ...
//   }

namespace syncgate::cli {

/// Installs the scrubbing stream buffer on std::cerr (once; later calls do nothing), drained at
/// exit, and a terminate handler that reports an escaped exception scrubbed. What is printed
/// through C's stdio (none of our code does) is not covered.
void ScrubProcessOutput();

}  // namespace syncgate::cli
