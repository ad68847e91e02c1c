import { answerRequests } from "../shared/threads/answer-requests.js";
import { writeSample } from "./write-sample.js";

/** One thread of a render pool: renders and writes each sample it is sent, and answers its image file name. */
answerRequests(writeSample);
