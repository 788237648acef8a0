Feature: API keys for the sites that count their visits
  An operator gives each static site its own API key with the command line. The key is
  shown once, when it is created; afterwards only its prefix is ever shown, and only a
  hash of it is kept. A key may be limited to some counters and to the site's own origins.
  A revoked key is refused from then on.

  Scenario: A new key is shown once
    When the operator creates an API key "blog" for the counters "home, about"
    Then the new key is shown once, starting with its prefix
    And the API key is limited to the counters "home, about"

  Scenario: The operator lists the keys by name, revoked ones included
    Given an API key "shop"
    And an API key "blog" for the counters "home"
    And the operator has revoked the API key "shop"
    When the operator lists the API keys
    Then the listed API keys are "blog", "shop" (revoked)

  Scenario: Two keys can't have the same name
    Given an API key "blog"
    When the operator creates an API key "blog"
    Then the request is refused as conflict

  Scenario: An origin must be a site's address alone
    When the operator creates an API key "blog" from the origin "https://site.example/home"
    Then the request is refused as invalid with a problem on "origins"

  Scenario: A counter scope must be valid counter names
    When the operator creates an API key "blog" for the counters "Home Page"
    Then the request is refused as invalid with a problem on "counters"

  Scenario: A key's name is short and plain
    When the operator creates an API key "my blog"
    Then the request is refused as invalid with a problem on "name"

  Scenario: A revoked key is refused
    Given an API key "blog"
    And the counter "home" has had 1 hit with the key "blog"
    When the operator revokes the API key "blog"
    And a page hits the counter "home" with the key "blog"
    Then the request is refused as unauthorized

  Scenario: Revoking a key that does not exist is refused
    When the operator revokes the API key "nobody"
    Then the request is refused as not found
