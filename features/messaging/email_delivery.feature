Feature: Email delivery
  Emails the shop promises (verification, password reset, order news) are kept until the mail
  service takes them: an outage delays them, it never loses them, and none is sent twice.

  Scenario: An email waits while the mail service is down and goes out once it is back
    Given the mail service is down
    When "ana@example.com" registers with password "Secret123"
    Then the request succeeds
    And no email is sent to "ana@example.com"
    When the mail service is back
    And 1 minute passes
    Then 1 email "Confirm your email address" has been sent to "ana@example.com"

  Scenario: A working mail service sends each email exactly once
    When "ana@example.com" registers with password "Secret123"
    And 10 minutes pass
    Then 1 email "Confirm your email address" has been sent to "ana@example.com"
