Feature: Who can see a file
  A file is private to its owner (and the admins) until a product on sale shows it; then
  anyone may see it. Anybody else asking about a private file is told there is no such
  file, so nobody can find out which files exist. Staff can only show on a product what
  they may see: editors their own files, admins anyone's, so nobody can make someone else's
  private file public.

  Background:
    Given a verified customer "ana@example.com"
    And a verified customer "bob@example.com"
    And an admin "root@example.com"
    And an editor "eddie@example.com"
    And "ana@example.com" is signed in
    And she has uploaded a photo "private.png"

  Scenario: Nobody else can see a private file
    Given "bob@example.com" is signed in
    Then "bob@example.com" cannot see the file "private.png"
    And an anonymous visitor cannot see the file "private.png"
    And "ana@example.com" can see the file "private.png"

  Scenario: Admins can see anyone's file
    Given the admin is signed in
    Then the admin can see the file "private.png"

  Scenario: A file shown by a product on sale is public, and private again once it is not
    Given the admin is signed in
    And the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    When the admin shows the file "private.png" on the product "Blue Mug"
    Then the request succeeds
    And an anonymous visitor can see the file "private.png"
    When the admin takes "Blue Mug" off sale
    Then an anonymous visitor cannot see the file "private.png"

  Scenario: An editor can't show someone else's file
    Given "eddie@example.com" is signed in
    And the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    When he shows the file "private.png" on the product "Blue Mug"
    Then the request is refused as invalid with a problem on "imageIds"
    And an anonymous visitor cannot see the file "private.png"

  Scenario: An editor shows his own file
    Given "eddie@example.com" is signed in
    And he has uploaded a photo "mug.png"
    And the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    When he shows the file "mug.png" on the product "Blue Mug"
    Then the request succeeds
    And an anonymous visitor can see the file "mug.png"

  Scenario: A file that does not exist can't be shown
    Given the admin is signed in
    And the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    And there is no file "ghost.png"
    When the admin shows the file "ghost.png" on the product "Blue Mug"
    Then the request is refused as invalid with a problem on "imageIds"
