// The `tacit` executable: parses the command line and hands over to a layer.
#include <csignal>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "server/cli/demo.h"
#include "server/cli/extensions.h"
#include "server/cli/knowledge_commands.h"
#include "server/cli/reminder_commands.h"
#include "server/cli/report_commands.h"
#include "server/cli/walkthrough_commands.h"
#include "server/log/log.h"
#include "server/lsp/serve.h"

namespace {

constexpr const char* kDescription =
    "Tacit keeps a team's knowledge on its code: notes, lessons and questions\n"
    "anchored to lines, shared through git refs, shown in any LSP editor.";

}  // namespace

int main(int argc, char** argv) {
  // A client that closes its end must not kill us with SIGPIPE: writes fail
  // with EPIPE instead and the server exits cleanly.
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{kDescription, "tacit"};
  app.set_version_flag("--version", std::string("tacit ") + TACIT_VERSION);
  app.require_subcommand(0, 1);

  std::string logLevel = "info";
  app.add_option("--log-level", logLevel, "Log level on stderr: trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "warning", "error", "off"}))
      ->envname("TACIT_LOG")
      ->capture_default_str();

  tacit::lsp::ServeOptions serveOptions;
  auto* serve = app.add_subcommand("serve", "Run the language server on stdin/stdout");
  serve->add_option("--max-message-bytes", serveOptions.maxMessageBytes,
                    "Refuse messages larger than this")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 32))
      ->capture_default_str();
  // Editors commonly pass --stdio to language servers; it is the only transport.
  serve->fallthrough();  // `tacit serve --log-level debug` works too
  bool stdio = true;
  serve->add_flag("--stdio", stdio, "Use stdin/stdout (the default and only transport)");

  tacit::cli::KnowledgeCommands knowledge(app);
  tacit::cli::ReminderCommands reminders(app);
  tacit::cli::ReportCommands report(app, TACIT_VERSION);
  tacit::cli::WalkthroughCommands walkthroughs(app);
  tacit::cli::ExtensionCommands extensions(app);
  bool keepDemo = false;
  auto* demo = app.add_subcommand("demo", "Show Tacit at work in a throwaway repository (two teammates, one question)");
  demo->add_flag("--keep", keepDemo, "Keep the demo's repositories (their folder is printed)");

  app.failure_message([](const CLI::App*, const CLI::Error& e) { return "tacit: " + std::string(e.what()) + "\n"; });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error exits 2, as CLIs conventionally do.
    int status = app.exit(e);
    return status == 0 ? 0 : 2;
  }
  tacit::log::setLevel(*tacit::log::parseLevel(logLevel));

  if (serve->parsed()) return tacit::lsp::serve(serveOptions);
  if (demo->parsed()) return tacit::cli::runDemo(keepDemo);
  if (int status = knowledge.run(); status >= 0) return status;
  if (int status = reminders.run(); status >= 0) return status;
  if (int status = report.run(); status >= 0) return status;
  if (int status = walkthroughs.run(); status >= 0) return status;
  if (int status = extensions.run(); status >= 0) return status;

  std::cout << app.help();
  return 0;
}
