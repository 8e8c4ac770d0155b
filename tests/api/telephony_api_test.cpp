// Trunks, inbound number routes and outbound rules through the real daemon.
#include "api_test_fixture.hpp"
#include "ws_client.hpp"

namespace hotline::test {
namespace {

class TelephonyApi : public ApiTest {
 protected:
  HttpResponse put(const std::string& target, const nlohmann::json& body,
                   const std::string& token) {
    auto headers = bearer(token);
    headers["Content-Type"] = "application/json";
    return client().request(boost::beast::http::verb::put, target, body.dump(), headers);
  }
  nlohmann::json find_by(const std::string& list, const std::string& key, const std::string& value,
                         const std::string& token) {
    const auto items = get(list, token).json()["items"];
    for (const auto& item : items)
      if (item[key] == value) return item;
    return nullptr;
  }
  static nlohmann::json registration_trunk() {
    return {{"name", "carrier-reg"},
            {"kind", "registration"},
            {"enabled", true},
            {"addresses", nlohmann::json::array()},
            {"proxy", "sip.carrier.example:5060"},
            {"transport", "udp"},
            {"numbers", {"+8684038400"}},
            {"caller_id", "84038400"},
            {"max_channels", 10},
            {"username", "acct84038400"},
            {"password", "Trunk#Secret2026"},
            {"register_expires", 600}};
  }
};

TEST_P(TelephonyApi, DemoDataIsThere) {
  const auto admin = login("admin");
  const auto carrier = find_by("/api/v1/trunks", "name", "demo-carrier", admin);
  ASSERT_TRUE(carrier.is_object());
  EXPECT_EQ(carrier["kind"], "ip_peer");
  EXPECT_EQ(carrier["addresses"], nlohmann::json({"127.0.0.2"}));
  EXPECT_EQ(carrier["proxy"], "127.0.0.2:5060");
  EXPECT_EQ(carrier["numbers"], nlohmann::json({"84038437", "84038438"}));
  EXPECT_EQ(carrier["max_channels"], 30);
  EXPECT_FALSE(carrier["has_password"].get<bool>());
  const auto second = find_by("/api/v1/trunks", "name", "demo-carrier-b", admin);
  ASSERT_TRUE(second.is_object());
  EXPECT_EQ(second["proxy"], "127.0.0.3:5060");

  const auto hotline = find_by("/api/v1/inbound-routes", "number", "84038437", admin);
  ASSERT_TRUE(hotline.is_object());
  EXPECT_EQ(hotline["destination_type"], "ivr");
  EXPECT_EQ(hotline["destination"], "main");
  const auto route = find_by("/api/v1/inbound-routes", "number", "84038438", admin);
  ASSERT_TRUE(route.is_object());
  EXPECT_EQ(route["destination_type"], "extension");
  EXPECT_EQ(route["destination"], "1001");
  EXPECT_TRUE(route["record"].get<bool>());
  EXPECT_EQ(route["description"], "值班直线（直达 1001）");

  const auto rules = get("/api/v1/outbound-rules", admin).json()["items"];
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0]["name"], "手机");
  EXPECT_EQ(rules[0]["pattern"], "1[3-9]XXXXXXXXX");
  EXPECT_EQ(rules[0]["priority"], 10);
  EXPECT_EQ(rules[0]["trunk_name"], "demo-carrier");
  EXPECT_EQ(rules[1]["name"], "本地固话");
  EXPECT_EQ(rules[1]["pattern"], "[2-8]XXXXXXX");

  // The demo phones have SIP passwords.
  const auto registrations = get("/api/v1/sip/registrations", admin).json()["items"];
  int with_password = 0;
  for (const auto& r : registrations) {
    const auto extension = r["extension"].get<std::string>();
    if (extension.rfind("100", 0) == 0 || extension == "1900") {
      EXPECT_TRUE(r["has_password"].get<bool>()) << extension;
      ++with_password;
    }
  }
  EXPECT_EQ(with_password, 6);
}

TEST_P(TelephonyApi, TrunkCrudNeverReturnsThePassword) {
  const auto admin = login("admin");
  auto created = post("/api/v1/trunks", registration_trunk(), admin);
  ASSERT_EQ(created.status, 201u) << created.body;
  auto trunk = created.json();
  EXPECT_EQ(trunk.count("password"), 0u);
  EXPECT_EQ(created.body.find("Trunk#Secret2026"), std::string::npos);
  EXPECT_TRUE(trunk["has_password"].get<bool>());
  EXPECT_EQ(trunk["kind"], "registration");
  EXPECT_EQ(trunk["numbers"], nlohmann::json({"+8684038400"}));
  EXPECT_EQ(trunk["register_expires"], 600);
  EXPECT_NE(trunk["created_at"].get<std::string>().find('T'), std::string::npos);
  const auto id = std::to_string(trunk["id"].get<std::int64_t>());

  const auto listed = get("/api/v1/trunks", admin);
  EXPECT_EQ(listed.body.find("Trunk#Secret2026"), std::string::npos);
  EXPECT_TRUE(find_by("/api/v1/trunks", "name", "carrier-reg", admin).is_object());

  // PUT without a password keeps it; other fields change.
  auto body = registration_trunk();
  body.erase("password");
  body["name"] = "carrier-reg-2";
  body["max_channels"] = 20;
  auto updated = put("/api/v1/trunks/" + id, body, admin);
  ASSERT_EQ(updated.status, 200u) << updated.body;
  EXPECT_EQ(updated.json()["name"], "carrier-reg-2");
  EXPECT_EQ(updated.json()["max_channels"], 20);
  EXPECT_TRUE(updated.json()["has_password"].get<bool>());
  body["password"] = "";
  EXPECT_EQ(put("/api/v1/trunks/" + id, body, admin).status, 200u) << "empty keeps it too";

  auto duplicate = registration_trunk();
  duplicate["name"] = "demo-carrier";
  EXPECT_EQ(post("/api/v1/trunks", duplicate, admin).status, 409u);
  body["name"] = "demo-carrier";
  EXPECT_EQ(put("/api/v1/trunks/" + id, body, admin).status, 409u);
  EXPECT_EQ(put("/api/v1/trunks/987654", registration_trunk(), admin).status, 404u);

  const auto audit = get("/api/v1/audit?action=trunk.*", admin);
  EXPECT_EQ(audit.json()["total"], 3);
  EXPECT_EQ(audit.body.find("Trunk#Secret2026"), std::string::npos);

  EXPECT_EQ(del("/api/v1/trunks/" + id, admin).status, 204u);
  EXPECT_EQ(del("/api/v1/trunks/" + id, admin).status, 404u);
  EXPECT_TRUE(find_by("/api/v1/trunks", "name", "carrier-reg-2", admin).is_null());
}

TEST_P(TelephonyApi, TrunkValidation) {
  const auto admin = login("admin");
  const nlohmann::json good = {{"name", "peer"},
                               {"kind", "ip_peer"},
                               {"addresses", {"10.1.2.3", "10.9.0.0/16", "2001:db8::1"}},
                               {"numbers", {"84038499"}},
                               {"caller_id", "84038499"}};
  auto with = [&](const char* key, nlohmann::json value) {
    auto body = good;
    if (value.is_null())
      body.erase(key);
    else
      body[key] = std::move(value);
    return post("/api/v1/trunks", body, admin);
  };
  auto bad_ip = with("addresses", {"10.1.2.300"});
  EXPECT_EQ(bad_ip.status, 400u);
  EXPECT_NE(bad_ip.body.find("10.1.2.300"), std::string::npos);
  EXPECT_EQ(with("addresses", {"10.1.2.0/33"}).status, 400u);
  EXPECT_EQ(with("addresses", {"carrier.example"}).status, 400u);
  EXPECT_EQ(with("addresses", nlohmann::json::array()).status, 400u) << "ip_peer needs one";
  EXPECT_EQ(with("name", "").status, 400u);
  EXPECT_EQ(with("name", std::string(65, 'x')).status, 400u);
  EXPECT_EQ(with("kind", "pigeon").status, 400u);
  EXPECT_EQ(with("transport", "tls").status, 400u);
  EXPECT_EQ(with("proxy", "10.1.2.3").status, 400u);
  EXPECT_EQ(with("proxy", "10.1.2.3:0").status, 400u);
  EXPECT_EQ(with("proxy", "10.1.2.3:65536").status, 400u);
  EXPECT_EQ(with("numbers", {"8403x"}).status, 400u);
  EXPECT_EQ(with("caller_id", "+84038499").status, 400u);
  EXPECT_EQ(with("max_channels", 0).status, 400u);
  EXPECT_EQ(with("max_channels", 10001).status, 400u);
  EXPECT_EQ(with("register_expires", 59).status, 400u);
  EXPECT_EQ(with("enabled", "yes").status, 400u);
  EXPECT_EQ(with("secret", "x").status, 400u);

  auto registration = good;
  registration["name"] = "reg";
  registration["kind"] = "registration";
  registration["proxy"] = "[2001:db8::5]:5080";
  EXPECT_EQ(post("/api/v1/trunks", registration, admin).status, 400u) << "no username";
  registration["username"] = "acct";
  EXPECT_EQ(post("/api/v1/trunks", registration, admin).status, 400u) << "no password";
  registration["password"] = "p";
  EXPECT_EQ(post("/api/v1/trunks", registration, admin).status, 201u);

  // An ip_peer trunk without a proxy sends to its first address.
  auto created = with("proxy", nullptr);
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(created.json()["proxy"], "10.1.2.3:5060");
  EXPECT_EQ(created.json()["transport"], "udp");
  EXPECT_EQ(created.json()["max_channels"], 30);
}

TEST_P(TelephonyApi, TrunkInUseCannotBeDeleted) {
  const auto admin = login("admin");
  const auto carrier = find_by("/api/v1/trunks", "name", "demo-carrier", admin);
  const auto id = std::to_string(carrier["id"].get<std::int64_t>());
  auto refused = del("/api/v1/trunks/" + id, admin);
  EXPECT_EQ(refused.status, 409u);
  EXPECT_EQ(refused.json()["error"]["code"], "conflict");
  const auto rules = get("/api/v1/outbound-rules", admin).json();  // named: outlives the loop
  for (const auto& rule : rules["items"])
    EXPECT_EQ(del("/api/v1/outbound-rules/" + std::to_string(rule["id"].get<std::int64_t>()), admin)
                  .status,
              204u);
  EXPECT_EQ(del("/api/v1/trunks/" + id, admin).status, 204u);
  EXPECT_EQ(del("/api/v1/trunks/987654", admin).status, 404u);
}

TEST_P(TelephonyApi, InboundRoutes) {
  const auto admin = login("admin");
  auto created = post("/api/v1/inbound-routes",
                      {{"number", "84038436"},
                       {"destination_type", "extension"},
                       {"destination", "1002"},
                       {"record", false},
                       {"description", "测试"}},
                      admin);
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto route = created.json();
  EXPECT_EQ(route["destination"], "1002");
  EXPECT_FALSE(route["record"].get<bool>());
  EXPECT_TRUE(route["enabled"].get<bool>());
  const auto id = std::to_string(route["id"].get<std::int64_t>());

  auto unknown = post(
      "/api/v1/inbound-routes",
      {{"number", "84038439"}, {"destination_type", "extension"}, {"destination", "1099"}}, admin);
  EXPECT_EQ(unknown.status, 422u) << unknown.body;
  EXPECT_EQ(unknown.json()["error"]["code"], "unknown_extension");
  EXPECT_EQ(
      post("/api/v1/inbound-routes",
           {{"number", "84038437"}, {"destination_type", "queue"}, {"destination", "q"}}, admin)
          .status,
      409u);
  EXPECT_EQ(
      post("/api/v1/inbound-routes", {{"number", "12"}, {"destination", "1001"}}, admin).status,
      400u);
  EXPECT_EQ(post("/api/v1/inbound-routes", {{"number", "8403x437"}, {"destination", "1001"}}, admin)
                .status,
            400u);
  EXPECT_EQ(post("/api/v1/inbound-routes",
                 {{"number", "84038439"}, {"destination_type", "fax"}, {"destination", "1"}}, admin)
                .status,
            400u);
  EXPECT_EQ(
      post("/api/v1/inbound-routes",
           {{"number", "84038439"}, {"destination_type", "ivr"}, {"destination", "main"}}, admin)
          .status,
      201u);

  auto updated = put("/api/v1/inbound-routes/" + id,
                     {{"number", "84038436"},
                      {"destination_type", "queue"},
                      {"destination", "general"},
                      {"record", true},
                      {"enabled", false},
                      {"description", ""}},
                     admin);
  ASSERT_EQ(updated.status, 200u) << updated.body;
  EXPECT_EQ(updated.json()["destination_type"], "queue");
  EXPECT_FALSE(updated.json()["enabled"].get<bool>());
  EXPECT_EQ(put("/api/v1/inbound-routes/" + id, {{"number", "84038437"}}, admin).status, 409u);
  EXPECT_EQ(put("/api/v1/inbound-routes/" + id,
                {{"destination_type", "extension"}, {"destination", "1098"}}, admin)
                .status,
            422u);
  EXPECT_EQ(del("/api/v1/inbound-routes/" + id, admin).status, 204u);
  EXPECT_EQ(del("/api/v1/inbound-routes/" + id, admin).status, 404u);
  EXPECT_EQ(get("/api/v1/audit?action=inbound_route.*", admin).json()["total"], 4);
}

TEST_P(TelephonyApi, OutboundRules) {
  const auto admin = login("admin");
  const auto carrier_b = find_by("/api/v1/trunks", "name", "demo-carrier-b", admin);
  const auto trunk_id = carrier_b["id"].get<std::int64_t>();
  auto created = post("/api/v1/outbound-rules",
                      {{"name", "长途"},
                       {"pattern", "0XXXXXXXXX."},
                       {"trunk_id", trunk_id},
                       {"strip_digits", 0},
                       {"prepend", ""},
                       {"priority", 5}},
                      admin);
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(created.json()["trunk_name"], "demo-carrier-b");
  EXPECT_TRUE(created.json()["enabled"].get<bool>());
  const auto id = std::to_string(created.json()["id"].get<std::int64_t>());
  EXPECT_EQ(get("/api/v1/outbound-rules", admin).json()["items"][0]["name"], "长途")
      << "lowest priority value first";

  auto with = [&](const char* key, nlohmann::json value) {
    nlohmann::json body = {{"name", "r"}, {"pattern", "XXXX"}, {"trunk_id", trunk_id}};
    body[key] = std::move(value);
    return post("/api/v1/outbound-rules", body, admin);
  };
  auto bad_pattern = with("pattern", "1[3-9XXX");
  EXPECT_EQ(bad_pattern.status, 400u);
  EXPECT_NE(bad_pattern.body.find("pattern"), std::string::npos);
  EXPECT_EQ(with("pattern", "1.2").status, 400u);
  EXPECT_EQ(with("pattern", "").status, 400u);
  auto unknown_trunk = with("trunk_id", 987654);
  EXPECT_EQ(unknown_trunk.status, 422u);
  EXPECT_EQ(unknown_trunk.json()["error"]["code"], "unknown_trunk");
  EXPECT_EQ(with("trunk_id", "1").status, 400u);
  EXPECT_EQ(with("strip_digits", 21).status, 400u);
  EXPECT_EQ(with("prepend", "0a").status, 400u);

  auto updated = put(
      "/api/v1/outbound-rules/" + id,
      {{"pattern", "0[1-9]XXXXXXXX."}, {"strip_digits", 1}, {"prepend", "+86"}, {"enabled", false}},
      admin);
  ASSERT_EQ(updated.status, 200u) << updated.body;
  EXPECT_EQ(updated.json()["pattern"], "0[1-9]XXXXXXXX.");
  EXPECT_EQ(updated.json()["prepend"], "+86");
  EXPECT_EQ(updated.json()["name"], "长途") << "absent fields are kept";
  EXPECT_EQ(put("/api/v1/outbound-rules/" + id, {{"trunk_id", 987654}}, admin).status, 422u);
  EXPECT_EQ(put("/api/v1/outbound-rules/987654", {{"name", "x"}}, admin).status, 404u);
  EXPECT_EQ(del("/api/v1/outbound-rules/" + id, admin).status, 204u);
  EXPECT_EQ(del("/api/v1/outbound-rules/" + id, admin).status, 404u);
}

TEST_P(TelephonyApi, Permissions) {
  const auto agent = login("agent1");
  for (const char* path : {"/api/v1/trunks", "/api/v1/inbound-routes", "/api/v1/outbound-rules"})
    EXPECT_EQ(get(path, agent).status, 403u) << path;
  const auto leader = login("leader1");
  EXPECT_EQ(get("/api/v1/trunks", leader).status, 403u);
  const auto supervisor = login("supervisor1");
  EXPECT_EQ(get("/api/v1/trunks", supervisor).status, 200u);
  EXPECT_EQ(get("/api/v1/inbound-routes", supervisor).status, 200u);
  EXPECT_EQ(get("/api/v1/outbound-rules", supervisor).status, 200u);
  EXPECT_EQ(post("/api/v1/trunks", registration_trunk(), supervisor).status, 403u);
  EXPECT_EQ(del("/api/v1/outbound-rules/1", supervisor).status, 403u);
  EXPECT_EQ(put("/api/v1/inbound-routes/1", {{"destination", "1002"}}, supervisor).status, 403u);
}

TEST_P(TelephonyApi, ChangesArePublished) {
  const auto admin = login("admin");
  auto ws = WsClient::connect("127.0.0.1", daemon_->port(), "/api/v1/ws?token=" + admin);
  ws.read_json(std::chrono::seconds(10));  // hello
  ASSERT_EQ(post("/api/v1/inbound-routes", {{"number", "84038440"}, {"destination", "1003"}}, admin)
                .status,
            201u);
  const auto event = ws.read_json(std::chrono::seconds(10));
  EXPECT_EQ(event["type"], "telephony.changed");
  EXPECT_EQ(event["data"]["what"], "inbound_routes");
}

INSTANTIATE_TEST_SUITE_P(Dialects, TelephonyApi, ::testing::Values("sqlite", "postgresql"),
                         ::hotline::test::dialect_name);

}  // namespace
}  // namespace hotline::test
