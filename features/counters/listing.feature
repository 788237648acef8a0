Feature: Admins see every counter
  Admins list every counter with its count, by name. Nobody else may.

  Background:
    Given an API key "everything"
    And the counter "home" has had 2 hits with the key "everything"
    And the counter "about" has had 1 hit with the key "everything"

  Scenario: An admin lists the counters by name
    Given an admin "root@example.com"
    And the admin is signed in
    When the admin lists the counters
    Then the listed counters are "about" with 1, "home" with 2
    And the list counts 2 counters in total on 1 page

  Scenario: A customer may not list the counters
    Given a verified customer "ana@example.com"
    And she is signed in
    When she lists the counters
    Then the request is refused as forbidden

  Scenario: An anonymous visitor may not list the counters
    When an anonymous visitor lists the counters
    Then the request is refused as unauthorized
