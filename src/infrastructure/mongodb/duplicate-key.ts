import { MongoServerError } from 'mongodb';

const DUPLICATE_KEY = 11000;

/** The server refused an insert because a document with its _id (or another unique key) is there. */
export const isDuplicateKey = (error: unknown): boolean => error instanceof MongoServerError && error.code === DUPLICATE_KEY;
