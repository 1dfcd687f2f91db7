#include "tinykg/base/utf8.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "tinykg/base/file.h"

namespace tinykg {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  for (const char* s : {"", "abc", "caf\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_TRUE(IsValidUtf8(s)) << s;
    EXPECT_EQ(ToValidUtf8(s), s);
  }
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));
}

TEST(Utf8, RejectsIllFormedText) {
  for (const char* s : {"\xFF", "\x80", "\xC0\xAF", "\xC3", "\xE0\x80\x80", "\xED\xA0\x80",
                        "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "ok\xE2\x82"}) {
    EXPECT_FALSE(IsValidUtf8(s)) << s;
    EXPECT_TRUE(IsValidUtf8(ToValidUtf8(s))) << s;
  }
  EXPECT_EQ(ToValidUtf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  // One U+FFFD per maximal invalid subpart.
  EXPECT_EQ(ToValidUtf8("\xE2\x82" "x"), "\xEF\xBF\xBD" "x");
  EXPECT_EQ(ToValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(ReadFile, DirectoryIsAnErrorNotAnAbort) {
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("tinykg-readdir-" + std::to_string(getpid()) + ".ttl")).string();
  std::filesystem::create_directories(dir);
  auto r = ReadFile(dir);
  std::filesystem::remove(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_NE(r.status().message().find("directory"), std::string::npos) << r.status().ToString();
}

// /dev/zero never ends: a whole-file read grew until memory ran out
// (`tinykg query -f /dev/zero`, `import model /dev/zero` hung, growing).
TEST(ReadFile, ADeviceIsAnErrorNamingItsKind) {
  for (const char* device : {"/dev/zero", "/dev/urandom", "/dev/null"}) {
    auto r = ReadFile(device);
    ASSERT_FALSE(r.ok()) << device;
    EXPECT_EQ(r.status().code(), StatusCode::kIoError);
    EXPECT_NE(r.status().ToString().find(std::string(device) + ": is a device, not a file"), std::string::npos)
        << r.status().ToString();
    EXPECT_FALSE(FileReader::Open(device).ok()) << device;
  }
}

// A regular file comes back whole (sized from fstat), and so does a pipe,
// whose size is not known until its writer closes it.
TEST(ReadFile, RegularFilesAndPipesComeBackWhole) {
  const auto base = std::filesystem::temp_directory_path() / ("tinykg-read-" + std::to_string(getpid()));
  std::string text;
  for (int i = 0; i < 40000; ++i) text += "line " + std::to_string(i) + "\n";  // ~400 KB
  {
    std::ofstream out(base.string() + ".txt", std::ios::binary);
    out << text;
  }
  auto file = ReadFile(base.string() + ".txt");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(*file, text);
  const std::string fifo = base.string() + ".fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] {
    std::ofstream out(fifo, std::ios::binary);
    out << text;
  });
  auto piped = ReadFile(fifo);
  writer.join();
  std::filesystem::remove(fifo);
  std::filesystem::remove(base.string() + ".txt");
  ASSERT_TRUE(piped.ok());
  EXPECT_EQ(*piped, text);
}

}  // namespace
}  // namespace tinykg
