#pragma once
// Git repositories for the tests, made with the git CLI. The identity, first branch and signing
// are set on every command, so a developer's own git configuration cannot change what a test
// commits.

#include <filesystem>
#include <string>

namespace syncgate::testing {

/// The git command line the tests set repositories up with (no `-C`: add it yourself).
extern const char* const kTestGit;

/// Runs `git -C repo args`, requires it to succeed, and returns its output without the final
/// newline.
std::string Git(const std::filesystem::path& repo, const std::string& args);

/// Makes `repo` a repository on branch main holding every file now in it, in one commit.
void InitAndCommitAll(const std::filesystem::path& repo, const std::string& message = "first");

/// Creates an empty bare repository at `path` (the target a sync publishes to).
void InitBare(const std::filesystem::path& path);

}  // namespace syncgate::testing
