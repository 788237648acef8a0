Feature: Hits that are refused
  Only a page with a valid key may count or read, and only the counters its key names.
  A key that lists its site's origins refuses pages from anywhere else.

  Background:
    Given an API key "blog" for the counters "home" from the origin "https://site.example"

  Scenario: A page without a key is refused
    When a page hits the counter "home" without a key
    Then the request is refused as unauthorized

  Scenario: A key that was never issued is refused
    When a page reads the counter "home" with a made-up key
    Then the request is refused as unauthorized

  Scenario: The badge needs a key too
    When a page shows the badge of the counter "home" without a key
    Then the request is refused as unauthorized

  Scenario: A counter the key does not name is refused
    When a page hits the counter "other" with the key "blog"
    Then the request is refused as forbidden

  Scenario: A counter name must be plain lower-case letters, digits and dashes
    When a page hits the counter "Home Page" with the key "blog"
    Then the request is refused as invalid with a problem on "name"

  Scenario: The key's own site is counted
    When a page hits the counter "home" with the key "blog" from "https://site.example"
    Then the counter shows 1

  Scenario: A page on another site is refused
    When a page hits the counter "home" with the key "blog" from "https://elsewhere.example"
    Then the request is refused as forbidden
