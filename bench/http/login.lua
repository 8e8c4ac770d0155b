-- wrk script: repeated logins of the demo administrator.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":"admin","password":"Hotline@2026"}'
