import GatewayProtocol
import XCTest

final class AnyConnectProfileTests: XCTestCase {
    func testServerListWithNamespaceAndUserGroup() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <AnyConnectProfile xmlns="http://schemas.xmlsoap.org/encoding/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
              <ClientInitialization><BypassDownloader>true</BypassDownloader></ClientInitialization>
              <ServerList>
                <HostEntry><HostName>Corp EU</HostName><HostAddress>vpn-eu.example.com</HostAddress><UserGroup>staff</UserGroup></HostEntry>
                <HostEntry><HostName>Corp US</HostName><HostAddress>https://vpn-us.example.com:8443/</HostAddress></HostEntry>
                <HostEntry><HostAddress>bare.example.com</HostAddress></HostEntry>
              </ServerList>
            </AnyConnectProfile>
            """
        let profile = try AnyConnectProfile.parse(Array(xml.utf8))
        XCTAssertEqual(profile.hosts, [
            ProfileHostEntry(name: "Corp EU", address: "vpn-eu.example.com", userGroup: "staff"),
            ProfileHostEntry(name: "Corp US", address: "https://vpn-us.example.com:8443/"),
            ProfileHostEntry(name: "bare.example.com", address: "bare.example.com"),
        ])
        XCTAssertEqual(profile.hosts.map(\.url), ["https://vpn-eu.example.com/staff", "https://vpn-us.example.com:8443/",
                                                  "https://bare.example.com/"])
    }

    func testNotAProfileAndHostileXML() {
        XCTAssertThrowsError(try AnyConnectProfile.parse(Array("<config-auth/>".utf8))) {
            XCTAssertEqual($0 as? ProfileError, .notAProfile(root: "config-auth"))
        }
        XCTAssertThrowsError(try AnyConnectProfile.parse(Array("<!DOCTYPE x [<!ENTITY a 'b'>]><AnyConnectProfile/>".utf8))) {
            XCTAssertEqual($0 as? ProfileError, .markup(.documentTypeForbidden))
        }
    }

    func testAuthenticationTimeoutIsReadFromClientInitializationAndNonsenseIgnored() throws {
        func profile(_ value: String) throws -> AnyConnectProfile {
            try AnyConnectProfile.parse(Array("""
                <AnyConnectProfile xmlns="http://schemas.xmlsoap.org/encoding/"><ClientInitialization>\
                <AuthenticationTimeout>\(value)</AuthenticationTimeout></ClientInitialization></AnyConnectProfile>
                """.utf8))
        }
        XCTAssertEqual(try profile("90").authenticationTimeout, 90)
        XCTAssertNil(try profile("0").authenticationTimeout)
        XCTAssertNil(try profile("abc").authenticationTimeout)
        XCTAssertNil(try profile("99999999999999999999").authenticationTimeout)
    }
}
