Feature: Deleting files
  Owners and admins delete files, bytes and all. A file a product refers to stays until it
  is taken off the product, so no product points at nothing.

  Background:
    Given a verified customer "ana@example.com"
    And a verified customer "bob@example.com"
    And an admin "root@example.com"
    And "ana@example.com" is signed in
    And she has uploaded a photo "holiday.png"

  Scenario: The owner deletes her file
    When she deletes the file "holiday.png"
    Then the request succeeds
    And the file "holiday.png" is gone
    And no stored object is left without its file

  Scenario: Nobody else can delete it
    Given "bob@example.com" is signed in
    When he deletes the file "holiday.png"
    Then the request is refused as not found
    And "ana@example.com" can see the file "holiday.png"

  Scenario: An admin deletes anyone's file
    Given the admin is signed in
    When the admin deletes the file "holiday.png"
    Then the request succeeds
    And the file "holiday.png" is gone

  Scenario: A file a product shows is kept until it is taken off the product
    Given the admin is signed in
    And the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    And the admin has shown the file "holiday.png" on the product "Blue Mug"
    When the admin deletes the file "holiday.png"
    Then the request is refused as a conflict
    When the admin takes the file "holiday.png" off the product "Blue Mug"
    And the admin deletes the file "holiday.png"
    Then the request succeeds

  Scenario: Deleting a file that does not exist
    When she deletes a file that does not exist
    Then the request is refused as not found
