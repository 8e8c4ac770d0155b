// Digest arithmetic against the published examples of RFC 2617 and RFC 7616.
#include "sip/digest.hpp"

#include <gtest/gtest.h>

#include "sip/digest_authenticator.hpp"
#include "sip/digest_client.hpp"
#include "sip/digest_credentials.hpp"

namespace hotline::sip {
namespace {

TEST(Digest, Rfc2617Md5Example) {
  const auto ha1 =
      compute_ha1(DigestAlgorithm::Md5, "Mufasa", "testrealm@host.com", "Circle Of Life");
  EXPECT_EQ(ha1, "939e7578ed9e3c518a452acee763bce9");
  EXPECT_EQ(compute_response(DigestAlgorithm::Md5, ha1,
                             {"GET", "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                              "00000001", "0a4f113b", "auth"}),
            "6629fae49393a05397450978507c4ef1");
}

TEST(Digest, Rfc7616Md5AndSha256Examples) {
  const DigestInputs inputs{"GET",
                            "/dir/index.html",
                            "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
                            "00000001",
                            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
                            "auth"};
  const auto md5 =
      compute_ha1(DigestAlgorithm::Md5, "Mufasa", "http-auth@example.org", "Circle of Life");
  EXPECT_EQ(compute_response(DigestAlgorithm::Md5, md5, inputs),
            "8ca523f5e9506fed4657c9700eebdbec");
  const auto sha =
      compute_ha1(DigestAlgorithm::Sha256, "Mufasa", "http-auth@example.org", "Circle of Life");
  EXPECT_EQ(sha.size(), 64u);
  EXPECT_EQ(compute_response(DigestAlgorithm::Sha256, sha, inputs),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

TEST(DigestAuthenticator, PhonesThatOnlyKnowMd5GetAnMd5ChallengeOnly) {
  sip::DigestAuthenticator authenticator(
      "hotline", 30000,
      [](const std::string&) -> Result<std::optional<store::SipCredential>> {
        return std::optional<store::SipCredential>{};
      },
      {"baresip"});
  const auto both = authenticator.challenge(false, 1000, "Yealink SIP-T46U 108.86.0.45");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_NE(both[0].second.find("algorithm=MD5"), std::string::npos);
  EXPECT_NE(both[1].second.find("algorithm=SHA-256"), std::string::npos);
  const auto md5 = authenticator.challenge(false, 1000, "BareSIP v1.0.0 (x86_64/linux)");
  ASSERT_EQ(md5.size(), 1u);
  EXPECT_NE(md5[0].second.find("algorithm=MD5"), std::string::npos);
}

TEST(DigestClient, AnswersTheRfc2617Example) {
  const auto answer = answer_digest_challenge(
      R"(Digest realm="testrealm@host.com", qop="auth,auth-int", )"
      R"(nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41")",
      {"Mufasa", "Circle Of Life", "GET", "/dir/index.html", 1, "0a4f113b"});
  ASSERT_TRUE(answer);
  EXPECT_NE(answer->find(R"(response="6629fae49393a05397450978507c4ef1")"), std::string::npos)
      << *answer;
  EXPECT_NE(answer->find("nc=00000001"), std::string::npos);
  EXPECT_NE(answer->find(R"(opaque="5ccc069c403ebaf9f0171e9517f40e41")"), std::string::npos);
}

TEST(DigestClient, RefusesWhatItCannotAnswer) {
  const DigestAnswerInputs inputs{"u", "p", "REGISTER", "sip:x", 1, "c"};
  EXPECT_FALSE(answer_digest_challenge(R"(Basic realm="x")", inputs));
  EXPECT_FALSE(answer_digest_challenge(R"(Digest nonce="n")", inputs));
  EXPECT_FALSE(
      answer_digest_challenge(R"(Digest realm="r", nonce="n", algorithm=MD5-sess)", inputs));
}

TEST(Digest, AlgorithmNames) {
  EXPECT_EQ(parse_algorithm(""), DigestAlgorithm::Md5);
  EXPECT_EQ(parse_algorithm("md5"), DigestAlgorithm::Md5);
  EXPECT_EQ(parse_algorithm("SHA-256"), DigestAlgorithm::Sha256);
  EXPECT_EQ(parse_algorithm("sha-256"), DigestAlgorithm::Sha256);
  EXPECT_FALSE(parse_algorithm("MD5-sess"));
  EXPECT_FALSE(parse_algorithm("SHA-512-256"));
  EXPECT_EQ(algorithm_name(DigestAlgorithm::Sha256), "SHA-256");
}

TEST(Digest, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(DigestCredentials, ParsesQuotedAndBareValues) {
  const auto parsed = parse_digest_credentials(
      "Digest username=\"1001\",realm=\"hotline\",cnonce=\"6b8b4567\",nc=00000001,qop=auth,"
      "uri=\"sip:127.0.0.1:5060\",nonce=\"abc\",response=\"0123\",algorithm=MD5");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->username, "1001");
  EXPECT_EQ(parsed->realm, "hotline");
  EXPECT_EQ(parsed->cnonce, "6b8b4567");
  EXPECT_EQ(parsed->nonce_count, "00000001");
  EXPECT_EQ(parsed->qop, "auth");
  EXPECT_EQ(parsed->uri, "sip:127.0.0.1:5060");
  EXPECT_EQ(parsed->nonce, "abc");
  EXPECT_EQ(parsed->response, "0123");
  EXPECT_EQ(parsed->algorithm, "MD5");

  const auto spaced = parse_digest_credentials(
      "  digest  username = \"a\\\"b\" , nonce=\"n\", response=\"r\", opaque=\"o\"");
  ASSERT_TRUE(spaced);
  EXPECT_EQ(spaced->username, "a\"b");
  EXPECT_EQ(spaced->opaque, "o");
}

TEST(DigestCredentials, RejectsMalformedHeaders) {
  for (const char* bad :
       {"", "Basic dXNlcjpwYXNz", "Digest", "Digest username=\"1001\"",
        "Digest username=\"1001, nonce=\"n\", response=\"r\"", "Digest =x, nonce=n, response=r",
        "Digest username=\"a\" nonce=\"n\" response=\"r\"", "Digest username"}) {
    EXPECT_FALSE(parse_digest_credentials(bad)) << bad;
  }
}

TEST(DigestCredentials, ChallengeText) {
  EXPECT_EQ(digest_challenge("hotline", "n1", "MD5", false),
            "Digest realm=\"hotline\", nonce=\"n1\", algorithm=MD5, qop=\"auth\"");
  EXPECT_EQ(digest_challenge("hotline", "n1", "SHA-256", true),
            "Digest realm=\"hotline\", nonce=\"n1\", algorithm=SHA-256, qop=\"auth\", stale=true");
}

}  // namespace
}  // namespace hotline::sip
