// tinykg serve [--port 8080] [--bind 127.0.0.1] [--token T]: the Thing
// Description Directory API and SPARQL endpoint over the store.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <pthread.h>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>

#include "cli.h"
#include "store_access.h"
#include "tinykg/serve/server.h"

#ifdef TINYKG_WITH_MIMALLOC
#include <mimalloc.h>
#endif

namespace tinykg::cli {

void AddServeCommand(CLI::App& app, GlobalOptions& options, Runner& run) {
  auto* cmd = app.add_subcommand("serve", "Serve the W3C Thing Description Directory API and SPARQL over HTTP");
  auto args = std::make_shared<serve::ServerOptions>();
  cmd->add_option("--port", args->port, "TCP port (0: any free port)")->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--bind", args->bind, "Address to listen on")->capture_default_str();
  cmd->add_option("--token", args->token, "Bearer token required for writes (else $TINYKG_TOKEN)");
  cmd->add_option("--threads", args->threads, "Connection threads (each open connection holds one)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--request-read-ms", args->request_read_ms,
                  "Time for one request to arrive whole (headers and body); then the connection closes")
      ->check(AtLeast(1))
      ->capture_default_str();
  cmd->add_option("--idle-ms", args->idle_ms, "Keep-alive wait between requests")->check(AtLeast(0))
      ->capture_default_str();
  cmd->add_option("--max-body", args->max_body_bytes, "Largest request body in bytes")->check(AtLeast(1))
      ->capture_default_str();
  cmd->add_option("--query-timeout-ms", args->query_timeout_ms,
                  "Time bound of one SPARQL request (503 after it; 0: none)")->check(AtLeast(0))
      ->capture_default_str();
  cmd->add_option("--max-result-rows", args->max_result_rows,
                  "Rows of one SPARQL result at most (400 past it; 0: none)")
      ->check(AtLeast(0))
      ->capture_default_str();
  cmd->add_option("--max-result-bytes", args->max_result_bytes,
                  "Memory of one SPARQL result's values at most, in bytes (400 past it; 0: none)")
      ->check(AtLeast(0))
      ->capture_default_str();
  cmd->callback([&options, &run, args] {
    run = [&options, args]() -> int {
      if (args->token.empty()) {
        if (const char* env = std::getenv("TINYKG_TOKEN"); env != nullptr) args->token = env;
      }
      args->context_dirs.push_back(OntologyDir() + "/contexts");
      if (const char* env = std::getenv("TINYKG_CONTEXT_DIR"); env != nullptr && *env != '\0') {
        args->context_dirs.push_back(env);
      }
      args->schema_dir = OntologyDir() + "/schemas";
#ifdef TINYKG_WITH_MIMALLOC
      // mimalloc hands freed memory back to the system after a delay, checked
      // only when the thread that freed it allocates again: over the
      // server's 128 connection threads that never came, and the load test
      // (4 clients, reads) grew the server by 500 B per request without end.
      // Handed back at once, it stays flat.
      mi_option_set(mi_option_decommit_delay, 0);
#endif
      auto store = OpenStore(options);
      if (!store.ok()) {
        ReportError(store.status());
        return kExitStore;
      }
      // The client of a request that hit a bug gets a bare 500; the
      // operator gets what failed, one line on stderr.
      args->on_handler_failure = [](std::string_view what) {
        const std::string line = "tinykg: serve: a request failed (a bug in tinykg): " + std::string(what) + "\n";
        std::fwrite(line.data(), 1, line.size(), stderr);
      };
      auto server = serve::Server::Create(**store, *args);
      if (!server.ok()) return ReportError(server.status());
      if (Status bound = (*server)->Bind(); !bound.ok()) return ReportError(bound);
      // SIGINT/SIGTERM are taken by this thread with sigwait; the server
      // threads (started after the mask) never see them.
      sigset_t signals;
      sigemptyset(&signals);
      sigaddset(&signals, SIGINT);
      sigaddset(&signals, SIGTERM);
      pthread_sigmask(SIG_BLOCK, &signals, nullptr);
      if (!options.quiet) {
        std::cerr << "tinykg: serving " << ResolveStoreSpec(options) << " on http://" << args->bind << ":"
                  << (*server)->port() << "/" << (args->token.empty() ? "" : " (writes need the token)")
                  << "\n";
      }
      Status ran;
      std::thread runner([&] {
        ran = (*server)->Run();
        kill(getpid(), SIGTERM);  // wake sigwait when the server ends by itself
      });
      int signal = 0;
      sigwait(&signals, &signal);
      (*server)->Stop();
      runner.join();
      if (!ran.ok()) return ReportError(ran);
      return kExitOk;
    };
  });
}

}  // namespace tinykg::cli
