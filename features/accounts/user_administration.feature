Feature: User administration
  Admins look after every account: they find accounts, open new ones, change roles, tiers and
  whether an account is active, and delete accounts. The store always keeps at least one
  active admin, and nobody else may do any of this.

  Background:
    Given an admin "root@example.com" named "Root"
    And the admin is signed in

  Scenario: The admin lists every account, oldest first
    Given these users exist:
      | email             | name        |
      | ana@example.com   | Ana Lima    |
      | bob@shop.org      | Bob         |
    When the admin lists the users
    Then the request succeeds
    And the listed users are "root@example.com", "ana@example.com", "bob@shop.org"
    And the list counts 3 users in total on 1 page

  Scenario: The admin searches by email or name, ignoring case
    Given these users exist:
      | email             | name         |
      | ana@example.com   | Ana Lima     |
      | bob@shop.org      | Bob          |
      | carla@example.com | Carla Bobbin |
    When the admin lists the users matching "BOB"
    Then the listed users are "bob@shop.org", "carla@example.com"

  Scenario: The admin filters by role
    Given these users exist:
      | email             | role     |
      | ana@example.com   | customer |
      | eddie@example.com | editor   |
    When the admin lists the users with the role "editor"
    Then the listed users are "eddie@example.com"

  Scenario: The admin filters deactivated accounts
    Given these users exist:
      | email             | active |
      | ana@example.com   | yes    |
      | bob@example.com   | no     |
    When the admin lists the users who are deactivated
    Then the listed users are "bob@example.com"

  Scenario: The admin sorts by email, descending
    Given these users exist:
      | email             |
      | bob@example.com   |
      | ana@example.com   |
    When the admin lists the users sorted by "-email"
    Then the listed users are "root@example.com", "bob@example.com", "ana@example.com"

  Scenario: The admin sorts by creation date, newest first
    Given these users exist:
      | email             |
      | ana@example.com   |
      | bob@example.com   |
    When the admin lists the users sorted by "-createdAt"
    Then the listed users are "bob@example.com", "ana@example.com", "root@example.com"

  Scenario: The admin lists only active accounts
    Given these users exist:
      | email             | active |
      | ana@example.com   | yes    |
      | bob@example.com   | no     |
    When the admin lists the users who are active
    Then the listed users are "root@example.com", "ana@example.com"

  Scenario: The admin combines search, filters and sorting
    Given these users exist:
      | email             | name        | role     | active |
      | ana@example.com   | Ana Lima    | customer | yes    |
      | anabel@shop.org   | Anabel      | customer | yes    |
      | anouk@example.com | Anouk       | editor   | yes    |
      | anya@example.com  | Anya        | customer | no     |
    When the admin lists the users matching "an", with the role "customer", who are active and sorted by "-email"
    Then the listed users are "anabel@shop.org", "ana@example.com"

  Scenario: The admin sorts by name
    Given these users exist:
      | email             | name  |
      | zed@example.com   | Alma  |
      | amy@example.com   | Zoe   |
    When the admin lists the users sorted by "name"
    Then the listed users are "zed@example.com", "root@example.com", "amy@example.com"

  Scenario: The admin pages through the accounts
    Given these users exist:
      | email           |
      | a1@example.com  |
      | a2@example.com  |
      | a3@example.com  |
      | a4@example.com  |
    When the admin lists the users showing page 2 with 2 per page
    Then the listed users are "a2@example.com", "a3@example.com"
    And the list counts 5 users in total on 3 pages

  Scenario: A page past the end is empty
    When the admin lists the users showing page 3 with 2 per page
    Then the request succeeds
    And the listed users are none
    And the list counts 1 user in total on 1 page

  Scenario: Sorting by a field that cannot be sorted on is refused
    When the admin lists the users sorted by "password"
    Then the request is refused as invalid with a problem on "sort"

  Scenario: More than 100 accounts per page is refused
    When the admin lists the users with 101 per page
    Then the request is refused as invalid with a problem on "limit"

  Scenario: The admin opens an account that can be used at once
    When the admin creates an editor "eddie@example.com" named "Eddie" with password "Secret123"
    Then the request succeeds
    And the returned account has the role "editor"
    And the returned account has the tier "standard"
    And the returned account is verified
    And the returned account reveals no password
    And "eddie@example.com" can log in with password "Secret123"

  Scenario: The admin opens an account in a loyalty tier
    When the admin creates a premium customer "vip@example.com" with password "Secret123"
    Then the request succeeds
    And the returned account has the role "customer"
    And the returned account has the tier "premium"

  Scenario: The admin cannot open a second account for the same email address
    Given a verified customer "ana@example.com"
    When the admin creates a customer "ANA@example.com" with password "Secret123"
    Then the request is refused as a conflict

  Scenario: Accounts opened by the admin follow the password policy
    When the admin creates a customer "ana@example.com" with password "secret"
    Then the request is refused as invalid with a problem on "password"

  Scenario: The admin views an account
    Given a verified customer "ana@example.com" named "Ana"
    When the admin views the user "ana@example.com"
    Then the request succeeds
    And the returned account has the email "ana@example.com"
    And the returned account has the name "Ana"
    And the returned account reveals no password

  Scenario: Viewing an account that does not exist
    When the admin views a user that does not exist
    Then the request is refused as not found

  Scenario: The admin changes a role
    Given a verified customer "ana@example.com"
    When the admin changes the role of "ana@example.com" to "editor"
    Then the request succeeds
    And the returned account has the role "editor"

  Scenario: The admin changes a tier
    Given a verified customer "ana@example.com"
    When the admin changes the tier of "ana@example.com" to "premium"
    Then the request succeeds
    And the returned account has the tier "premium"

  Scenario: The admin changes an email address, stored in lower case
    Given a verified customer "ana@example.com" with password "Secret123"
    When the admin changes the email of "ana@example.com" to "Ana.Lima@Example.com"
    Then the request succeeds
    And the returned account has the email "ana.lima@example.com"
    And "ana.lima@example.com" can log in with password "Secret123"

  Scenario: Two accounts cannot share an email address
    Given a verified customer "ana@example.com"
    And a verified customer "bob@example.com"
    When the admin changes the email of "bob@example.com" to "ana@example.com"
    Then the request is refused as a conflict

  Scenario: A deactivated account cannot log in
    Given a verified customer "ana@example.com" with password "Secret123"
    When the admin deactivates "ana@example.com"
    Then the request succeeds
    And the returned account is deactivated
    When "ana@example.com" logs in with password "Secret123"
    Then the request is refused as forbidden

  Scenario: A reactivated account can log in again
    Given a deactivated customer "ana@example.com" with password "Secret123"
    When the admin reactivates "ana@example.com"
    Then the request succeeds
    And the returned account is active
    And "ana@example.com" can log in with password "Secret123"

  Scenario: The admin deletes an account
    Given a verified customer "ana@example.com" with password "Secret123"
    When the admin deletes "ana@example.com"
    Then the request succeeds
    And "ana@example.com" can no longer log in with password "Secret123"
    When the admin views the user "ana@example.com"
    Then the request is refused as not found

  Scenario: Deleting an account that does not exist
    When the admin deletes a user that does not exist
    Then the request is refused as not found

  Scenario: The last active admin cannot be demoted
    When the admin changes the role of "root@example.com" to "customer"
    Then the request is refused as a conflict

  Scenario: The last active admin cannot be deactivated
    When the admin deactivates "root@example.com"
    Then the request is refused as a conflict

  Scenario: The last active admin cannot be deleted
    When the admin deletes "root@example.com"
    Then the request is refused as a conflict

  Scenario: An admin can be demoted by another admin
    Given an admin "second@example.com"
    And she is signed in
    When she changes the role of "root@example.com" to "customer"
    Then the request succeeds
    And the returned account has the role "customer"

  Scenario Outline: An admin cannot demote, deactivate or delete her own account
    Given an admin "second@example.com"
    When the admin <action>
    Then the request is refused as a conflict with the message "You can't delete, deactivate or demote your own account here; use /me or ask another admin"
    And "root@example.com" can log in with password "Secret123"

    Examples:
      | action                                              |
      | changes the role of "root@example.com" to "editor"  |
      | deactivates "root@example.com"                      |
      | deletes "root@example.com"                          |

  Scenario: A deactivated admin does not count as a remaining admin
    Given an admin "second@example.com"
    And the admin deactivates "second@example.com"
    When the admin deletes "root@example.com"
    Then the request is refused as a conflict

  Scenario Outline: Editors may not administer accounts
    Given a verified customer "ana@example.com"
    And an editor "someone@example.com"
    And "someone@example.com" is signed in
    When "someone@example.com" <action>
    Then the request is refused as forbidden

    Examples:
      | action                                                         |
      | lists the users                                                |
      | creates a customer "new@example.com" with password "Secret123" |
      | views the user "ana@example.com"                               |
      | changes the tier of "ana@example.com" to "premium"             |
      | deletes "ana@example.com"                                      |

  Scenario Outline: A customer may not administer accounts, not even her own
    Given a verified customer "ana@example.com"
    And she is signed in
    When she <action>
    Then the request is refused as forbidden

    Examples:
      | action                                                        |
      | lists the users                                               |
      | creates an admin "new@example.com" with password "Secret123"  |
      | views the user "ana@example.com"                              |
      | changes the role of "ana@example.com" to "admin"              |
      | changes the tier of "ana@example.com" to "premium"            |
      | deletes "ana@example.com"                                     |

  Scenario Outline: Someone who is not signed in may not administer accounts
    Given a verified customer "ana@example.com"
    When an anonymous visitor <action>
    Then the request is refused as unauthorized

    Examples:
      | action                                              |
      | lists the users                                     |
      | views the user "ana@example.com"                    |
      | changes the role of "ana@example.com" to "admin"    |
      | deletes "ana@example.com"                           |
