// Writes the project of a deployment (deploy.cc decides what goes in).
#ifndef TINYKG_DEPLOY_PROJECT_H_
#define TINYKG_DEPLOY_PROJECT_H_

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "app/tinykg_app.h"
#include "tinykg/base/status.h"
#include "tinykg/deploy/deploy.h"

namespace tinykg::deploy {

struct ProjectSpec {
  const Deployment& deployment;
  const Request& request;
  const app::AppConfig& config;
  std::span<const std::byte> blob;
};

// Writes every file of the project into `dir` (created when missing) and
// returns their paths relative to it. On failure the files written so far
// are removed again (and `dir`, when this call created it); kIoError.
Result<std::vector<std::string>> WriteProject(const ProjectSpec& spec, const std::string& dir);

}  // namespace tinykg::deploy

#endif  // TINYKG_DEPLOY_PROJECT_H_
