Feature: Logging in
  A customer with a confirmed email address logs in with her email and password and gets a
  session. Failed attempts never reveal whether an account exists, and repeated failures are
  slowed down.

  Background:
    Given a verified customer "ana@example.com" with password "Secret123"

  Scenario: A verified customer logs in
    When "ana@example.com" logs in with password "Secret123"
    Then the request succeeds
    And she is signed in as "ana@example.com"

  Scenario: The email address is not case-sensitive
    When "Ana@Example.com" logs in with password "Secret123"
    Then the request succeeds
    And she is signed in as "ana@example.com"

  Scenario: A wrong password is refused
    When "ana@example.com" logs in with password "Wrong1234"
    Then the request is refused as unauthorized with the message "Invalid credentials"

  Scenario: An unknown email address is refused exactly like a wrong password
    When "nobody@example.com" logs in with password "Secret123"
    Then the request is refused as unauthorized with the message "Invalid credentials"

  Scenario: An account whose email is not confirmed cannot log in
    Given "bob@example.com" has registered with password "Secret123"
    When "bob@example.com" logs in with password "Secret123"
    Then the request is refused as forbidden

  Scenario: A deactivated account cannot log in
    Given a deactivated customer "carl@example.com" with password "Secret123"
    When "carl@example.com" logs in with password "Secret123"
    Then the request is refused as forbidden

  Scenario: A deactivated account with a wrong password learns nothing about the account
    Given a deactivated customer "carl@example.com" with password "Secret123"
    When "carl@example.com" logs in with password "Wrong1234"
    Then the request is refused as unauthorized with the message "Invalid credentials"

  Scenario: Four failed attempts still allow the right password
    Given "ana@example.com" failed to log in 4 times
    When "ana@example.com" logs in with password "Secret123"
    Then the request succeeds

  Scenario: After five failed attempts further attempts are rate limited
    Given "ana@example.com" failed to log in 5 times
    When "ana@example.com" logs in with password "Secret123"
    Then the request is refused as rate limited

  Scenario: The rate limit still holds just before 15 minutes
    Given "ana@example.com" failed to log in 5 times
    And 14 minutes pass
    When "ana@example.com" logs in with password "Secret123"
    Then the request is refused as rate limited

  Scenario: The rate limit lifts after 15 minutes
    Given "ana@example.com" failed to log in 5 times
    And 15 minutes pass
    When "ana@example.com" logs in with password "Secret123"
    Then the request succeeds

  Scenario: The rate limit applies to one email address from one device
    Given "ana@example.com" failed to log in 5 times
    When "ana@example.com" logs in with password "Secret123" from another device
    Then the request succeeds

  Scenario: The rate limit of one email address does not affect another
    Given a verified customer "bob@example.com" with password "Secret123"
    And "ana@example.com" failed to log in 5 times
    When "bob@example.com" logs in with password "Secret123"
    Then the request succeeds

  Scenario: A successful login forgives earlier failures
    Given "ana@example.com" failed to log in 4 times
    And "ana@example.com" has logged in with password "Secret123"
    And "ana@example.com" failed to log in 4 times
    When "ana@example.com" logs in with password "Secret123"
    Then the request succeeds

  Scenario: One device failing for many email addresses is rate limited for all of them
    Given "a@example.com" failed to log in 5 times
    And "b@example.com" failed to log in 5 times
    And "c@example.com" failed to log in 5 times
    And "d@example.com" failed to log in 5 times
    When "ana@example.com" logs in with password "Secret123"
    Then the request is refused as rate limited

  Scenario: The limit across email addresses applies to one device only
    Given "a@example.com" failed to log in 5 times
    And "b@example.com" failed to log in 5 times
    And "c@example.com" failed to log in 5 times
    And "d@example.com" failed to log in 5 times
    When "ana@example.com" logs in with password "Secret123" from another device
    Then the request succeeds

  Scenario: Every address of one IPv6 network counts as one device
    # Whoever holds one address of a /64 may use any of them: changing address is no new device.
    Given "ana@example.com" failed to log in 5 times from the address "2001:db8:7:1::10"
    When "ana@example.com" logs in with password "Secret123" from the address "2001:db8:7:1::beef"
    Then the request is refused as rate limited

  Scenario: Another IPv6 network is another device
    Given "ana@example.com" failed to log in 5 times from the address "2001:db8:7:1::10"
    When "ana@example.com" logs in with password "Secret123" from the address "2001:db8:7:2::10"
    Then the request succeeds

  Scenario: Failing for many email addresses across one IPv6 network is rate limited for all
    Given "a@example.com" failed to log in 5 times from the address "2001:db8:7:1::a"
    And "b@example.com" failed to log in 5 times from the address "2001:db8:7:1::b"
    And "c@example.com" failed to log in 5 times from the address "2001:db8:7:1::c"
    And "d@example.com" failed to log in 5 times from the address "2001:db8:7:1::d"
    When "ana@example.com" logs in with password "Secret123" from the address "2001:db8:7:1::e"
    Then the request is refused as rate limited

  Scenario: Logging in to one's own account does not forgive a device's failures for others
    Given "a@example.com" failed to log in 5 times
    And "b@example.com" failed to log in 5 times
    And "c@example.com" failed to log in 5 times
    And "ana@example.com" has logged in with password "Secret123"
    And "d@example.com" failed to log in 5 times
    When "ana@example.com" logs in with password "Secret123"
    Then the request is refused as rate limited
