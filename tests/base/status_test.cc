#include "tinykg/base/status.h"

#include <gtest/gtest.h>

#include "tinykg/base/file.h"

namespace tinykg {
namespace {

TEST(Status, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(Status, CarriesLocation) {
  Status s = ParseError("unexpected '}'", {"a.ttl", 3, 14, ""});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "a.ttl:3:14: unexpected '}'");
  EXPECT_EQ(InvalidData("bad", {"td.json", 0, 0, "/properties/x"}).ToString(),
            "td.json#/properties/x: bad");
}

TEST(Status, WithContextPrefixes) {
  EXPECT_EQ(NotFound("no such graph").WithContext("drop").message(), "drop: no such graph");
  EXPECT_TRUE(Status::Ok().WithContext("x").ok());
}

Result<int> Half(int x) {
  if (x % 2) return InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  TINYKG_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(Result, PropagatesErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_FALSE(Quarter(6).ok());
  EXPECT_EQ(Quarter(6).status().message(), "odd");
  Result<int> from_ok_status = Status::Ok();
  EXPECT_FALSE(from_ok_status.ok());
}

TEST(File, ExtensionAndIri) {
  EXPECT_EQ(Extension("/a/b/C.TTL"), "ttl");
  EXPECT_EQ(Extension("noext"), "");
  EXPECT_EQ(FileIri("/tmp/a b.ttl"), "file:///tmp/a%20b.ttl");
}

TEST(File, MissingFileIsIoError) {
  auto r = ReadFile("/nonexistent/tinykg/file");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_NE(r.status().ToString().find("/nonexistent/tinykg/file"), std::string::npos);
}

}  // namespace
}  // namespace tinykg
